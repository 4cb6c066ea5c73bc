"""luoshi (落实): carry a city's ecological-environment and carbon-peaking plans into practice.

The package follows the flow of the work:

- :mod:`luoshi.documents` reads files and normalizes Chinese text, keeping a map back to the source;
- :mod:`luoshi.extraction` turns text into tasks, targets, projects, departments and deadlines (pure);
- :mod:`luoshi.pipeline` joins the two: a file in, extracted documents out;
- :mod:`luoshi.registry` keeps the register in SQLite or PostgreSQL;
- :mod:`luoshi.cli` is the command line.
"""

__version__ = "0.1.0"
