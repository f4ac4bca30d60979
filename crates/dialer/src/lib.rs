//! The outbound dialer engine.
