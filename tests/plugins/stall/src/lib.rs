//! A test plugin built for `wasm32-wasip2` whose `describe` sleeps through WASI in a loop, an
//! hour at a time: before the host froze WASI sleeps it held loading past the load deadline
//! (for ever); now each sleep ends at once and the loop is spinning guest code, which the
//! load deadline stops. Several copies in one directory show that loading is bounded by one
//! deadline, not one per plugin.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::types::{EvaluationContext, Finding, PluginError, PluginInfo};
use std::time::Duration;

struct Stall;

impl Guest for Stall {
    fn describe() -> PluginInfo {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }

    fn evaluate(_ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        Ok(Vec::new())
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Stall);
