//! The glue behind [`export_plugin!`](crate::export_plugin): the component's `describe`,
//! `evaluate` and `applies-to` exports (world `check-plugin-scoped`), delegating to a
//! [`Plugin`](crate::Plugin) value.

use crate::bindings::exports::posture::plugin::scope::CheckScope;
use crate::bindings::posture::plugin::types::*;
use crate::check::Plugin;
use crate::snapshot::{HostSource, Snapshot};

/// `describe` for `plugin`.
pub fn describe(plugin: &Plugin) -> PluginInfo {
    plugin.describe()
}

/// `applies-to` for `plugin`: the providers of the checks that declare some.
pub fn applies_to(plugin: &Plugin) -> Vec<CheckScope> {
    plugin.scope()
}

/// `evaluate` for `plugin`, reading the snapshot from the host.
pub fn evaluate(plugin: &Plugin, ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
    let snap = Snapshot::new(Box::new(HostSource));
    plugin.evaluate(ctx, &snap)
}

/// Exports a plugin from a component (world `check-plugin-scoped`: `describe`, `evaluate`,
/// and `applies-to` with the providers its checks declare). `$plugin` is a function returning
/// the [`Plugin`](crate::Plugin). On non-wasm targets it expands to nothing, so the same crate
/// builds and unit-tests natively.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:path) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct PostureExport;
            impl $crate::bindings::exports::posture::plugin::plugin::Guest for PostureExport {
                fn describe() -> $crate::PluginInfo {
                    $crate::export::describe(&$plugin())
                }
                fn evaluate(
                    ctx: $crate::EvaluationContext,
                ) -> ::core::result::Result<::std::vec::Vec<$crate::Finding>, $crate::PluginError>
                {
                    $crate::export::evaluate(&$plugin(), ctx)
                }
            }
            impl $crate::bindings::exports::posture::plugin::scope::Guest for PostureExport {
                fn applies_to() -> ::std::vec::Vec<$crate::CheckScope> {
                    $crate::export::applies_to(&$plugin())
                }
            }
    $crate::bindings::__export_check_plugin!(PostureExport with_types_in $crate::bindings);
        };
    };
}
