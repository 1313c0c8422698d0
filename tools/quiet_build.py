"""Sphinx extension of the book build: quiet TensorFlow before autodoc imports the package.

The API page (book/api.md) documents ``aecourse`` with autodoc, which imports modules
that load Keras and TensorFlow. Like every chapter, the build calls
:func:`aecourse.quiet_tensorflow` first, so TensorFlow's start-up lines stay out of the
build log (where ``-W`` would read them as warnings). Listed in _config.yml under
``sphinx.local_extensions``.
"""

import aecourse


def setup(app):
    aecourse.quiet_tensorflow()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
