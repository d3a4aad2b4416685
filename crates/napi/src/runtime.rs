//! The process-wide pool and its controls: size, introspection, shutdown.

use std::sync::LazyLock;
use std::time::Duration;

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use spindle_core::cpu::{self, CpuPath};
use spindle_core::Runtime;

use crate::env_group::env_group;
use crate::errors::{invalid_arg, pool_error};

/// One pool per process, shared by the main thread and every worker thread that loads the
/// addon: the machine has a fixed number of cores, and pools per environment would oversubscribe.
pub(crate) static RUNTIME: LazyLock<Runtime> = LazyLock::new(Runtime::new);

/// How long `shutdown()` waits for pool threads to exit before resolving anyway: every kernel
/// checks its cancel flag about every millisecond, so this only guards against the unexpected.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(30);

/// The pool's state.
#[napi(object)]
pub struct PoolInfo {
    /// Threads of the running pool, or of the next one.
    pub threads: u32,
    /// Whether the pool's threads are running.
    pub running: bool,
    /// Jobs submitted and not yet settled.
    pub in_flight: u32,
}

/// Sets the pool size. A running pool of another size finishes its jobs and retires; the next
/// job starts a pool of the new size.
#[napi]
pub fn set_threads(threads: u32) -> Result<()> {
    if threads == 0 || threads > 1024 {
        return Err(invalid_arg(format!(
            "threads must be an integer in [1, 1024], got {threads}"
        )));
    }
    RUNTIME.set_threads(threads as usize).map_err(pool_error)
}

/// The pool's size and state.
#[napi]
pub fn pool_info() -> PoolInfo {
    PoolInfo {
        threads: u32::try_from(RUNTIME.threads()).unwrap_or(u32::MAX),
        running: RUNTIME.is_running(),
        in_flight: u32::try_from(RUNTIME.in_flight()).unwrap_or(u32::MAX),
    }
}

/// Cancels the calling environment's pending jobs (their Promises reject with code
/// `Cancelled`); other environments' jobs (the main thread's, another worker thread's) run on.
/// Resolves once those jobs have ended and, when no other environment has work in flight, every
/// pool thread has exited. The next kernel call starts a fresh pool.
#[napi(ts_return_type = "Promise<void>")]
pub fn shutdown(env: &Env) -> Result<Object<'_>> {
    let down = RUNTIME.shutdown_group(env_group(env)?);
    let (deferred, promise) = env.create_deferred()?;
    // Waiting blocks, so it happens on a short-lived thread of its own, never on the JS thread.
    std::thread::Builder::new()
        .name("spindle-shutdown".into())
        .spawn(move || {
            down.wait(SHUTDOWN_WAIT);
            deferred.resolve(|_env| Ok(()));
        })
        .map_err(|e| invalid_arg(format!("cannot start the shutdown waiter: {e}")))?;
    Ok(promise)
}

/// The CPU code paths: the one kernels use now, and every one this CPU can run.
#[napi(object)]
pub struct CpuInfo {
    /// The path jobs started from now on use (`'avx512'`, `'avx2'`, `'baseline'`, `'neon'`).
    pub active: String,
    /// Every path this CPU supports, slowest first.
    pub supported: Vec<String>,
}

/// The active CPU code path and the supported ones.
#[napi]
pub fn cpu_info() -> CpuInfo {
    CpuInfo {
        active: cpu::active().name().to_owned(),
        supported: cpu::supported()
            .into_iter()
            .map(|p| p.name().to_owned())
            .collect(),
    }
}

/// Makes `path` the code path of jobs started from now on (`SPINDLE_CPU`). Rejects a name that
/// is no path, or a path this CPU cannot run.
#[napi]
pub fn set_cpu(path: String) -> Result<()> {
    let Some(p) = CpuPath::parse(&path) else {
        return Err(invalid_arg(format!(
            "no CPU code path is named '{path}' (paths: baseline, avx2, avx512, neon)"
        )));
    };
    cpu::force(p).map_err(|e| invalid_arg(e.to_string()))
}
