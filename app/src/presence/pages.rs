//! Pages of presence.
