"""``python -m aecourse.bench``: TensorFlow's default kernels, quiet logs, then the command line.

The benchmark measures what a user of TensorFlow gets: its default kernels, which on
x86 CPUs include the oneDNN ones (``TF_ENABLE_ONEDNN_OPTS=1``), unless the variable is
already set (``TF_ENABLE_ONEDNN_OPTS=0 python -m aecourse.bench`` measures without
them). The book's chapters switch oneDNN off instead (:func:`aecourse.quiet_tensorflow`).
"""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # TensorFlow's default on x86, said explicitly

    import aecourse

    aecourse.quiet_tensorflow()  # before TensorFlow loads: no log lines in the report

    from aecourse.bench.cli import main

    sys.exit(main())
