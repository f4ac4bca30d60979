//! The ACD (automatic contact distribution) engine.
