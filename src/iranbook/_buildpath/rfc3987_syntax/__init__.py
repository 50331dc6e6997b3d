"""Stands in for the ``rfc3987_syntax`` package inside the book's build (Sphinx and the notebook kernels).

jsonschema imports that package, if it is installed, to check the "iri" string format; importing it
compiles 38 grammars, 1.3 s in every process that imports jsonschema (altair, nbformat, Jupyter Book).
JupyterLab's dependencies install it; the book never checks an IRI. This module is first on the build's
PYTHONPATH (``iranbook.build.BUILD_PATH``) and refuses the import, which jsonschema expects and skips.
Outside the build (JupyterLab, the tests) the real package is used.
"""

raise ImportError("rfc3987_syntax is left out of the book's build (see iranbook/_buildpath)")
