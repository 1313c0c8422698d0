"""Importing aecourse, and every one of its modules, changes nothing in the process:
no environment variable, no logger, no warning filter. Checked in fresh interpreters."""

import json
import subprocess
import sys

SNAPSHOT = r'''
import json, logging, os, warnings

def snapshot():
    manager = logging.Logger.manager
    loggers = {}
    for name, logger in sorted(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            loggers[name] = [logger.level, logger.disabled, logger.propagate,
                             [type(h).__name__ for h in logger.handlers],
                             [type(f).__name__ for f in logger.filters]]
    root = logging.getLogger()
    return {"env": dict(os.environ), "loggers": loggers,
            "root": [root.level, [type(h).__name__ for h in root.handlers], [type(f).__name__ for f in root.filters]],
            "disable": manager.disable, "warnings": [repr(f) for f in warnings.filters]}
'''

IMPORT_ALONE = SNAPSHOT + r'''
import sys
before = snapshot()
import aecourse
after = snapshot()
print(json.dumps({"same": before == after, "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules,
                  "matplotlib": "matplotlib" in sys.modules}))
'''

# The libraries aecourse uses are imported first: what they change on import is theirs. Then every
# module of aecourse is imported, and nothing may change.
IMPORT_ALL = SNAPSHOT + r'''
import importlib, pkgutil, sys
for name in ("numpy", "keras", "tensorflow", "matplotlib", "matplotlib.pyplot", "matplotlib.figure",
             "scipy", "sklearn", "pandas", "mlxtend.data", "IPython.display", "nbformat"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
before = snapshot()
import aecourse
names = [m.name for m in pkgutil.walk_packages(aecourse.__path__, "aecourse.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
after = snapshot()
diff = {key: [str(before[key])[:2000], str(after[key])[:2000]] for key in before if before[key] != after[key]}
if before["env"] != after["env"]:
    diff["env"] = sorted(set(before["env"].items()) ^ set(after["env"].items()))
if before["loggers"] != after["loggers"]:
    diff["loggers"] = {k: [before["loggers"].get(k), after["loggers"].get(k)]
                       for k in set(before["loggers"]) | set(after["loggers"])
                       if before["loggers"].get(k) != after["loggers"].get(k)}
print(json.dumps({"modules": names, "diff": diff}))
'''


def run(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONHASHSEED": "0"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_aecourse_changes_nothing_and_loads_no_tensorflow():
    result = run(IMPORT_ALONE)
    assert result == {"same": True, "tensorflow": False, "keras": False, "matplotlib": False}


def test_importing_every_module_changes_no_env_var_logger_or_warning_filter():
    result = run(IMPORT_ALL)
    assert "aecourse.bench.cli" in result["modules"] and "aecourse.evaluation" in result["modules"]
    assert result["diff"] == {}
