"""rightsgraph: national human-rights action plans as a knowledge graph of rights, actors and targets.

The pipeline runs read → segment → extract → graph → validate → publish, one module each.
"""

__version__ = "0.1.0"
