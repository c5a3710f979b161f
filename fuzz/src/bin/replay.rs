//! Runs the fuzz targets without libFuzzer: each target over its seeds and corpus, then
//! over pseudo-random mutations of them for a number of seconds. A panicking input is
//! saved under `artifacts/<target>/` and the run exits non-zero.
//!
//! Usage: `replay [--seconds S] [--seed N] [TARGET...]` (from `fuzz/`; all targets if none).

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::panic;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rs61850_fuzz::TARGETS;

/// Octets that often sit on decoder boundaries (lengths, tags, signs).
const INTERESTING: &[u8] = &[0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF];

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Applies one to four random edits: bit flips, interesting octets, inserts, deletes,
/// duplicated ranges, truncation, or a splice with another input.
fn mutate(input: &mut Vec<u8>, rng: &mut Rng, other: &[u8]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => input[rng.below(len)] ^= 1 << rng.below(8),
            1 if len > 0 => input[rng.below(len)] = INTERESTING[rng.below(INTERESTING.len())],
            2 => input.insert(rng.below(len + 1), rng.next() as u8),
            3 if len > 0 => {
                input.remove(rng.below(len));
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below(len - start) + 1;
                let copy = input[start..end].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, copy);
            }
            5 if len > 0 => input.truncate(rng.below(len)),
            6 if !other.is_empty() => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(1 << 16);
}

fn load(dir: &Path, into: &mut Vec<Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    into.extend(paths.iter().filter_map(|p| fs::read(p).ok()));
}

/// Runs `target` on `input`; on a panic saves the input and returns false.
fn run_one(name: &str, target: fn(&[u8]), input: &[u8]) -> bool {
    if panic::catch_unwind(|| target(input)).is_ok() {
        return true;
    }
    let mut h = DefaultHasher::new();
    input.hash(&mut h);
    let dir = Path::new("artifacts").join(name);
    let path = dir.join(format!("crash-{:016x}", h.finish()));
    // Best effort: the failure is reported on stderr either way.
    let _ = fs::create_dir_all(&dir).and_then(|_| fs::write(&path, input));
    eprintln!("{name}: CRASH, input saved to {}", path.display());
    false
}

fn main() -> ExitCode {
    let mut seconds = 10.0f64;
    let mut seed = 0x5EED_1850_u64;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(seed),
            _ => names.push(arg),
        }
    }
    // Panics are expected findings here: report them once, as a crash line, not a backtrace each.
    panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let mut failed = false;
    for &(name, target) in TARGETS {
        if !names.is_empty() && !names.iter().any(|n| n == name) {
            continue;
        }
        let mut inputs = Vec::new();
        load(&Path::new("seeds").join(name), &mut inputs);
        load(&Path::new("corpus").join(name), &mut inputs);
        if inputs.is_empty() {
            inputs.push(Vec::new());
        }
        let mut crashes = inputs.iter().filter(|i| !run_one(name, target, i)).count();
        let mut rng = Rng(seed | 1);
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let mut execs = inputs.len() as u64;
        while Instant::now() < deadline && crashes < 10 {
            for _ in 0..256 {
                let mut input = inputs[rng.below(inputs.len())].clone();
                let other = &inputs[rng.below(inputs.len())];
                mutate(&mut input, &mut rng, other);
                if !run_one(name, target, &input) {
                    crashes += 1;
                }
                execs += 1;
            }
        }
        println!("{name}: {execs} executions, {crashes} crashes");
        failed |= crashes > 0;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
