//! Pages of housing.
