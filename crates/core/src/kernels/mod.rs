//! The CPU kernels.
