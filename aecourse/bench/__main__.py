"""``python -m aecourse.bench``: quiet TensorFlow, then run the benchmark's command line."""

import sys

if __name__ == "__main__":
    import aecourse

    aecourse.quiet_tensorflow()  # before TensorFlow loads: no log lines in the report

    from aecourse.bench.cli import main

    sys.exit(main())
