//! Argon2id password hashing, off the async threads.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

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

impl From<Busy> for crate::web::AppError {
    fn from(_: Busy) -> Self {
        crate::web::AppError::TooManyRequests {
            retry_after_secs: 5,
            message: "Many people are signing in right now. Wait a few seconds and try again."
                .into(),
        }
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
}

impl Gate {
    pub fn new(max_running: usize, max_waiting: usize) -> Gate {
        let max_running = max_running.max(1);
        Gate {
            running: tokio::sync::Semaphore::new(max_running),
            inside: std::sync::atomic::AtomicUsize::new(0),
            capacity: max_running + max_waiting,
        }
    }

    /// Runs `work` on a blocking thread once a place is free, or refuses at
    /// once when the queue is full.
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
        tokio::task::spawn_blocking(work).await.map_err(|_| Busy)
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
        match PasswordHash::new(&stored) {
            Ok(parsed) => {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
                    && stored != *DUMMY_HASH
            }
            Err(_) => false,
        }
    })
    .await
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
    fn new_passwords_are_checked() {
        assert!(check_new("short").is_err());
        assert!(check_new("            ").is_err());
        assert!(check_new("four ordinary words").is_ok());
    }
}
