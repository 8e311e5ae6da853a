//! Pages of residents.
