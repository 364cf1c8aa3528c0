//! Test helpers shared by the SDKs' fakes and tests (feature `testing`):
//! a manual clock, a raw TCP server for truncated bodies and dropped
//! connections, and an HTTP front that injects those faults in front of a
//! wiremock server.

#[cfg(feature = "testing")]
mod fault_front;
mod raw;

pub use crate::time::ManualTimer;
#[cfg(feature = "testing")]
pub use fault_front::{FaultFront, FaultRule};
pub use raw::{RawAction, RawServer};
