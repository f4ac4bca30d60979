//! Workforce planning maths.
