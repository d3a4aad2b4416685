//! Each JavaScript environment (the main thread and every worker thread that loads the addon)
//! gets a job group and a settlement channel. When the environment is torn down — a worker
//! terminated mid-task, or the process exiting — its cleanup hook cancels that group's jobs, so
//! no pool thread keeps working for a dead environment, and the channel closes, so none settles
//! one of its Promises.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use napi::{Env, Result};

use crate::runtime::RUNTIME;
use crate::settle::Channel;

static NEXT_GROUP: AtomicU64 = AtomicU64::new(1);

/// What the binding keeps per environment (its instance data).
pub(crate) struct EnvState {
    /// The environment's job group.
    pub(crate) group: u64,
    /// Where its jobs' Promises are settled from.
    pub(crate) channel: Arc<Channel>,
}

/// This environment's state, registering its cleanup hook on first use.
pub(crate) fn env_state(env: &Env) -> Result<&'static EnvState> {
    if env.get_instance_data::<EnvState>()?.is_none() {
        let group = NEXT_GROUP.fetch_add(1, Ordering::Relaxed);
        let channel = Channel::open(env)?;
        env.set_instance_data(EnvState { group, channel }, (), |_| {})?;
        env.add_env_cleanup_hook(group, |group| {
            RUNTIME.cancel_group(group);
        })?;
    }
    env.get_instance_data::<EnvState>()?
        .map(|state| &*state)
        .ok_or_else(|| napi::Error::from_reason("spindle's per-environment state is missing"))
}

/// This environment's job group, registering its cleanup hook on first use.
pub(crate) fn env_group(env: &Env) -> Result<u64> {
    Ok(env_state(env)?.group)
}
