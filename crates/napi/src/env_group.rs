//! Each JavaScript environment (the main thread and every worker thread that loads the addon)
//! gets a job group; when the environment is torn down — a worker terminated mid-task, or the
//! process exiting — its cleanup hook cancels that group's jobs, so no pool thread keeps working
//! for, or settles a Promise of, a dead environment.

use std::sync::atomic::{AtomicU64, Ordering};

use napi::{Env, Result};

use crate::runtime::RUNTIME;

static NEXT_GROUP: AtomicU64 = AtomicU64::new(1);

struct EnvGroup(u64);

/// This environment's group, registering its cleanup hook on first use.
pub(crate) fn env_group(env: &Env) -> Result<u64> {
    if let Some(group) = env.get_instance_data::<EnvGroup>()? {
        return Ok(group.0);
    }
    let group = NEXT_GROUP.fetch_add(1, Ordering::Relaxed);
    env.set_instance_data(EnvGroup(group), (), |_| {})?;
    env.add_env_cleanup_hook(group, |group| {
        RUNTIME.cancel_group(group);
    })?;
    Ok(group)
}
