"""Geometry → features: elements, covalent-radius connectivity, the ALF choice and ALF features."""
