//! Argon2id password hashing, off the async threads.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// Why a new password is refused, in words for the form.
pub fn check_new(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err("Use at least 12 characters. A few ordinary words in a row work well.");
    }
    if n > MAX_LENGTH {
        return Err("Use at most 256 characters.");
    }
    if password.trim().is_empty() {
        return Err("A password cannot be only spaces.");
    }
    Ok(())
}

/// Password work (hashing or checking) refused because too many are
/// waiting for their turn already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many passwords are being checked at once; try again in a few seconds")]
pub struct Busy;

impl From<Busy> for crate::web::Refusal {
    fn from(_: Busy) -> Self {
        crate::web::Refusal::TooManyRequests {
            retry_after_secs: 5,
            message: "Many people are signing in right now. Wait a few seconds and try again."
                .into(),
        }
    }
}

impl From<Busy> for crate::web::AppError {
    fn from(busy: Busy) -> Self {
        crate::web::Refusal::from(busy).into()
    }
}

/// Caps the password work running at once: each Argon2 check takes about
/// 19 MiB and tens of milliseconds of a core, so a burst of sign-ins would
/// otherwise take the server's memory. A bounded number wait their turn;
/// beyond that, work is refused at once (a 429 with Retry-After).
pub struct Gate {
    running: tokio::sync::Semaphore,
    /// Those running or waiting.
    inside: std::sync::atomic::AtomicUsize,
    capacity: usize,
    /// The gate's own threads, one per place: the memory an allocator
    /// keeps after a check (per thread, with glibc) then stays at one
    /// check's worth per place, where the shared blocking pool's many
    /// threads kept hundreds of MiB after a burst.
    jobs: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Gate {
    pub fn new(max_running: usize, max_waiting: usize) -> Gate {
        let max_running = max_running.max(1);
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..max_running {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("start a password thread");
        }
        Gate {
            running: tokio::sync::Semaphore::new(max_running),
            inside: std::sync::atomic::AtomicUsize::new(0),
            capacity: max_running + max_waiting,
            jobs,
        }
    }

    /// Runs `work` on one of the gate's threads once a place is free, or
    /// refuses at once when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        use std::sync::atomic::Ordering;
        if self.inside.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.inside.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        // Leaves the count however this ends (a client gone mid-wait
        // drops the future).
        struct Leave<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let _leave = Leave(&self.inside);
        let _place = self.running.acquire().await.map_err(|_| Busy)?;
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A panic stays in the job: the thread lives on, and the
            // caller, whose answer never comes, is refused.
            if let Ok(out) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                let _ = done.send(out);
            }
        });
        self.jobs.send(job).map_err(|_| Busy)?;
        answer.await.map_err(|_| Busy)
    }
}

/// The process's gate: as many checks at once as there are cores, and
/// sixteen per core waiting.
static GATE: std::sync::LazyLock<Gate> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Gate::new(cores, 16 * cores)
});

pub async fn hash(password: String) -> Result<String, Busy> {
    GATE.run(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            // Only parameters outside Argon2's bounds fail; these are its defaults.
            .expect("Argon2's default parameters hash any password")
    })
    .await
}

/// Checks a password; with no stored hash it still does the work, so an
/// unknown account takes as long to refuse as a known one.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    GATE.run(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        matches_hash(&password, &stored) && stored != *DUMMY_HASH
    })
    .await
}

thread_local! {
    /// Argon2's working memory (19 MiB with its defaults), kept by each of
    /// the gate's threads from one check to the next: allocated afresh for
    /// every check, the allocator's free lists grew by megabytes a check
    /// (glibc raises its threshold for returning large blocks to the
    /// system after the first), 390 MiB after a burst of 34.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `password` gives the stored PHC hash, computed in this thread's
/// kept memory; the outputs are compared in constant time.
fn matches_hash(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(hash.algorithm),
        argon2::Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = hash
        .version
        .map(argon2::Version::try_from)
        .transpose()
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    BLOCKS.with_borrow_mut(|blocks| {
        blocks.resize(params.block_count(), argon2::Block::default());
        argon2::password_hash::Output::init_with(expected.len(), |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut blocks[..])
                .map_err(|_| argon2::password_hash::Error::Crypto)
        })
        .is_ok_and(|computed| computed == expected)
    })
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"no account has this password", &salt)
        .expect("hash")
        .to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert_eq!(
            verify("correct horse battery".into(), Some(h.clone())).await,
            Ok(true)
        );
        assert_eq!(
            verify("wrong horse battery".into(), Some(h)).await,
            Ok(false)
        );
        assert_eq!(verify("anything".into(), None).await, Ok(false));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_gate_runs_so_many_at_once_queues_so_many_and_refuses_the_rest() {
        let gate = std::sync::Arc::new(Gate::new(2, 3));
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tries = (0..20).map(|_| {
            let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                gate.run(move || {
                    use std::sync::atomic::Ordering::SeqCst;
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    running.fetch_sub(1, SeqCst);
                })
                .await
            })
        });
        let outcomes = futures::future::join_all(tries).await;
        let done = outcomes.iter().filter(|o| matches!(o, Ok(Ok(())))).count();
        let busy = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Err(Busy))))
            .count();
        assert_eq!(
            (done, busy),
            (5, 15),
            "two running and three waiting get through"
        );
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
        // Once they are through, the gate is open again.
        assert_eq!(gate.run(|| 1).await, Ok(1));
    }

    #[test]
    fn the_kept_memory_check_agrees_with_argon2s_own() {
        use argon2::password_hash::PasswordVerifier;
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let parsed = PasswordHash::new(&stored).unwrap();
        for (password, right) in [
            ("correct horse battery", true),
            ("correct horse batterz", false),
            ("", false),
        ] {
            assert_eq!(matches_hash(password, &stored), right, "{password}");
            assert_eq!(
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
                right
            );
        }
        // Other parameters (a smaller memory) are read from the hash.
        let small = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"pw", &salt)
        .unwrap()
        .to_string();
        assert!(matches_hash("pw", &small));
        assert!(
            matches_hash("correct horse battery", &stored),
            "after a smaller one"
        );
        assert!(!matches_hash("pw", "not a hash"));
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(check_new("short").is_err());
        assert!(check_new("            ").is_err());
        assert!(check_new("four ordinary words").is_ok());
    }
}
