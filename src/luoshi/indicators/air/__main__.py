"""``python -m luoshi.indicators.air FILE ...``: the lean entry (see luoshi.indicators.air.run)."""

import os
import sys

from luoshi.indicators.air.run import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)  # everything is written and closed: skip tearing down numpy/polars at exit
