"""What users already have, read into one Dataset; models to and from FFLUX files."""
