//! `centralita bench server` (placeholder, filled below)
