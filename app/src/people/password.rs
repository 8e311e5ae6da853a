//! Password and PIN hashing: argon2id with the OWASP ASVS level-2 minimum parameters
//! (19 MiB, 2 iterations, 1 lane), computed off the async runtime.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB: 19 MiB.
const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations.
const ITERATIONS: u32 = 2;
/// Lanes.
const PARALLELISM: u32 = 1;

/// How long a sign-in waits in line for a turn at hashing before it is told to try again
/// shortly: long enough for a few colleagues signing in together on a busy server.
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How many sign-ins may wait in line for a turn; any more are answered at once, so that a
/// burst is never queued without limit.
const LINE_LENGTH: usize = 16;

/// Turns at verifying a secret at once: one core is left for the pages, so a burst of
/// sign-ins (each 19 MiB and tens of milliseconds of CPU) neither exhausts the memory nor
/// stalls signed-in users.
fn turns() -> &'static tokio::sync::Semaphore {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    TURNS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores.saturating_sub(1).clamp(1, 4))
    })
}

/// The sign-ins waiting in line now.
static WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A place in the line, given up however the wait ends.
struct InLine;

impl InLine {
    /// A place, if the line is not full.
    fn join() -> Option<Self> {
        use std::sync::atomic::Ordering;
        WAITING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waiting| {
                (waiting < LINE_LENGTH).then_some(waiting + 1)
            })
            .ok()
            .map(|_| InLine)
    }
}

impl Drop for InLine {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A turn at hashing for a sign-in, held while its secret is verified; `None` when the line
/// is full or no turn came free within [`TURN_WAIT`]: the attempt is then answered at once
/// with "try again shortly", never queued without limit.
pub async fn turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    if let Ok(permit) = turns().try_acquire() {
        return Some(permit);
    }
    let _place = InLine::join()?;
    tokio::time::timeout(TURN_WAIT, turns().acquire())
        .await
        .ok()?
        .ok()
}

/// Why hashing failed: never the password's fault, always the server's.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hasher() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password or PIN into a PHC string, on a blocking thread: an argon2 hash takes
/// tens of milliseconds of CPU, which must not stall the requests sharing the runtime.
pub async fn hash(secret: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()?
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Whether `secret` matches the stored PHC string, on a blocking thread.
pub async fn verify(secret: String, stored: String) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| HashError(e.to_string()))?;
        Ok(hasher()?
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_asvs_parameters_and_a_fresh_salt() {
        let first = hash("correct horse battery".into()).await.expect("hashes");
        let second = hash("correct horse battery".into()).await.expect("hashes");
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
    }

    #[tokio::test]
    async fn only_the_right_secret_verifies() {
        let stored = hash("correct horse battery".into()).await.expect("hashes");
        assert!(
            verify("correct horse battery".into(), stored.clone())
                .await
                .expect("verifies")
        );
        assert!(
            !verify("Correct horse battery".into(), stored)
                .await
                .expect("verifies")
        );
    }
}
