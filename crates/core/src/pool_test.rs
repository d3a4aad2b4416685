use super::*;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::time::Instant;

const LONG: Duration = Duration::from_secs(30);

/// Work that spins until cancelled, checking its token about every millisecond.
fn until_cancelled(ctx: &Ctx) -> Result<(), Cancelled> {
    loop {
        ctx.check()?;
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn submit_recv<T: Send + 'static>(
    pool: &Pool,
    group: u64,
    ctx: Ctx,
    work: impl FnOnce(&Ctx) -> Result<T, Cancelled> + Send + 'static,
) -> mpsc::Receiver<Result<T, JobError>> {
    let (tx, rx) = mpsc::channel();
    pool.submit(group, ctx, work, move |r| {
        let _ = tx.send(r);
    });
    rx
}

#[test]
fn a_pool_of_zero_threads_is_refused() {
    assert!(Pool::new(0).is_err());
}

#[test]
fn jobs_return_their_values() {
    let pool = Pool::new(2).expect("pool");
    let receivers: Vec<_> = (0..100u64)
        .map(|i| submit_recv(&pool, 0, Ctx::default(), move |_| Ok(i * i)))
        .collect();
    for (i, rx) in receivers.into_iter().enumerate() {
        let i = i as u64;
        assert_eq!(rx.recv_timeout(LONG), Ok(Ok(i * i)));
    }
    assert_eq!(pool.threads(), 2);
}

#[test]
fn jobs_run_concurrently_on_distinct_threads() {
    // Each job waits at a barrier that only opens when both run at once: with a serial pool
    // this would never finish (the timeout turns that into a failure, not a hang).
    let pool = Pool::new(2).expect("pool");
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let receivers: Vec<_> = (0..2)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            submit_recv(&pool, 0, Ctx::default(), move |_| {
                barrier.wait();
                Ok(std::thread::current().name().map(str::to_owned))
            })
        })
        .collect();
    let mut names: Vec<_> = receivers
        .into_iter()
        .map(|rx| rx.recv_timeout(LONG).expect("both jobs ran at once"))
        .map(|r| r.expect("ok").expect("named thread"))
        .collect();
    names.sort();
    assert_eq!(names, ["spindle-0", "spindle-1"]);
}

#[test]
fn a_job_cancelled_before_it_starts_never_runs() {
    let pool = Pool::new(1).expect("pool");
    let ran = Arc::new(AtomicUsize::new(0));
    let token = CancelToken::new();
    token.cancel();
    let counter = Arc::clone(&ran);
    let rx = submit_recv(&pool, 0, Ctx::new(token), move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    assert_eq!(rx.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn cancelling_a_running_job_stops_it_and_frees_its_thread() {
    let pool = Pool::new(1).expect("pool");
    let token = CancelToken::new();
    let rx = submit_recv(&pool, 0, Ctx::new(token.clone()), until_cancelled);
    let next = submit_recv(&pool, 0, Ctx::default(), |_| Ok(42));
    std::thread::sleep(Duration::from_millis(20));
    token.cancel();
    assert_eq!(rx.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
    assert_eq!(next.recv_timeout(LONG), Ok(Ok(42)));
    assert_eq!(pool.in_flight(), 0);
}

#[test]
fn a_panic_is_captured_and_the_pool_keeps_working() {
    let pool = Pool::new(1).expect("pool");
    let rx = submit_recv(&pool, 0, Ctx::default(), |_| -> Result<(), Cancelled> {
        panic!("boom in a kernel")
    });
    assert_eq!(
        rx.recv_timeout(LONG),
        Ok(Err(JobError::Panicked("boom in a kernel".into())))
    );
    let formatted = submit_recv(&pool, 0, Ctx::default(), |_| -> Result<(), Cancelled> {
        panic!("index {} out of range", 7)
    });
    assert_eq!(
        formatted.recv_timeout(LONG),
        Ok(Err(JobError::Panicked("index 7 out of range".into())))
    );
    let after = submit_recv(&pool, 0, Ctx::default(), |_| Ok("still alive"));
    assert_eq!(after.recv_timeout(LONG), Ok(Ok("still alive")));
}

#[test]
fn a_panic_inside_parallel_work_is_captured_too() {
    let pool = Pool::new(2).expect("pool");
    let rx = submit_recv(&pool, 0, Ctx::default(), |_| {
        let (a, b) = rayon::join(|| 1, || -> i32 { panic!("in a rayon::join half") });
        Ok(a + b)
    });
    assert_eq!(
        rx.recv_timeout(LONG),
        Ok(Err(JobError::Panicked("in a rayon::join half".into())))
    );
}

#[test]
fn a_panicking_completion_does_not_take_the_pool_down() {
    let pool = Pool::new(1).expect("pool");
    pool.submit(0, Ctx::default(), |_| Ok(()), |_| panic!("in done"));
    let rx = submit_recv(&pool, 0, Ctx::default(), |_| Ok(1));
    assert_eq!(rx.recv_timeout(LONG), Ok(Ok(1)));
}

#[test]
fn cancel_group_cancels_only_that_group() {
    let pool = Pool::new(2).expect("pool");
    let a = submit_recv(&pool, 1, Ctx::default(), until_cancelled);
    let b = submit_recv(&pool, 2, Ctx::default(), until_cancelled);
    assert_eq!(pool.cancel_group(1), 1);
    assert_eq!(a.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
    assert!(
        b.recv_timeout(Duration::from_millis(50)).is_err(),
        "group 2 still runs"
    );
    assert_eq!(pool.cancel_all(), 1);
    assert_eq!(b.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
}

#[test]
fn jobs_start_in_submission_order_on_one_thread() {
    let pool = Pool::new(1).expect("pool");
    let order = Arc::new(Mutex::new(Vec::new()));
    let receivers: Vec<_> = (0..20)
        .map(|i| {
            let order = Arc::clone(&order);
            submit_recv(&pool, 0, Ctx::default(), move |_| {
                lock(&order).push(i);
                Ok(())
            })
        })
        .collect();
    for rx in receivers {
        rx.recv_timeout(LONG).expect("done").expect("ok");
    }
    assert_eq!(*lock(&order), (0..20).collect::<Vec<_>>());
}

#[test]
fn retiring_a_pool_cancels_nothing_by_itself_and_its_threads_exit() {
    let pool = Pool::new(2).expect("pool");
    let rx = submit_recv(&pool, 0, Ctx::default(), |_| {
        std::thread::sleep(Duration::from_millis(30));
        Ok(7)
    });
    let exited = pool.retire();
    assert_eq!(rx.recv_timeout(LONG), Ok(Ok(7)));
    let started = Instant::now();
    assert!(exited.wait(LONG), "threads exit once their work is done");
    assert!(started.elapsed() < LONG);
}
