//! One-thread sorts of the bench's own `sortFloat64` input: rdst (a radix sort, the issue's
//! reference) and the standard library's `sort_unstable_by(f64::total_cmp)`.

use std::hint::black_box;
use std::time::Instant;

use rdst::RadixSort;

/// Reads `args = [FILE, ROUNDS]` and times each sort `ROUNDS` times on a fresh copy.
pub fn measure(args: &[String]) -> Result<String, String> {
    let [file, rounds] = args else {
        return Err("sort needs FILE and ROUNDS".to_owned());
    };
    let rounds: usize = rounds
        .parse()
        .map_err(|_| format!("ROUNDS must be a positive integer, got {rounds:?}"))?;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    if bytes.len() % 8 != 0 {
        return Err(format!(
            "{file} holds {} bytes, not whole f64s",
            bytes.len()
        ));
    }
    let data: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            f64::from_le_bytes(b)
        })
        .collect();
    let mut rdst_ms = Vec::with_capacity(rounds);
    let mut std_ms = Vec::with_capacity(rounds);
    // Interleaved, so a slow spell of a shared machine hits both.
    for _ in 0..rounds {
        rdst_ms.push(time(&data, |v| v.radix_sort_unstable()));
        std_ms.push(time(&data, |v| v.sort_unstable_by(f64::total_cmp)));
    }
    Ok(format!(
        "{{\"n\":{},\"rdst\":{},\"totalCmp\":{}}}",
        data.len(),
        list(&rdst_ms),
        list(&std_ms)
    ))
}

/// Sorts a fresh copy (its pages already touched, as the kernel's spare buffers are) and returns
/// the sort's time in ms.
fn time(data: &[f64], sort: impl Fn(&mut Vec<f64>)) -> f64 {
    let mut v = data.to_vec();
    let start = Instant::now();
    sort(&mut v);
    let ms = start.elapsed().as_secs_f64() * 1e3;
    black_box(&v);
    ms
}

fn list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:.4}")).collect();
    format!("[{}]", items.join(","))
}
