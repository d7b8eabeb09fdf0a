//! Work split into numbered parts and spread over threads, with the results in part
//! order: whatever is combined from them never depends on the thread count.

/// Runs `f` on every part in `0..parts` on up to `threads` threads; each thread keeps
/// one `S` (a scratch buffer, say) for all its parts. A panic in a part is re-raised.
pub(crate) fn in_parts<S: Default, T: Send>(
    parts: usize,
    threads: usize,
    f: impl Fn(usize, &mut S) -> T + Sync,
) -> Vec<T> {
    let threads = threads.clamp(1, parts.max(1));
    if threads == 1 {
        let mut state = S::default();
        return (0..parts).map(|i| f(i, &mut state)).collect();
    }
    let mut results: Vec<Option<T>> = (0..parts).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                scope.spawn(move || {
                    let mut state = S::default();
                    (t..parts)
                        .step_by(threads)
                        .map(|i| (i, f(i, &mut state)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    // Every part was filled by exactly one worker.
    results.into_iter().flatten().collect()
}
