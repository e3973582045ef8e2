//! One backoff for every wait between attempts: the client's retries of throttled answers, the
//! token sources' retries, and the registration flow's polling.

use std::time::Duration;

/// Exponential backoff: `initial`, then multiplied by `factor` per attempt, never above `max`;
/// with jitter, each wait is a random point between half of that and all of it, so that many
/// clients throttled at once do not come back at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backoff {
    /// The first wait.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// How much longer each wait is than the one before.
    pub factor: u32,
    /// Whether waits are randomized (between half and all of the computed wait).
    pub jitter: bool,
}

impl Backoff {
    /// Doubling from `initial` up to `max`, with jitter.
    pub const fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max,
            factor: 2,
            jitter: true,
        }
    }

    /// The same waits without randomness (reproducible tests, polling a merchant's decision).
    pub const fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// Another growth factor (1 keeps the wait constant).
    pub const fn factor(mut self, factor: u32) -> Self {
        self.factor = factor;
        self
    }

    /// The computed wait before attempt `attempt + 1` (`attempt` counts from 0), before jitter.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let grown = self
            .initial
            .saturating_mul(self.factor.max(1).saturating_pow(attempt.min(64)));
        grown.min(self.max.max(self.initial))
    }

    /// The wait before attempt `attempt + 1`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        if !self.jitter || ceiling.is_zero() {
            return ceiling;
        }
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=spread))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_by_the_factor_up_to_the_maximum() {
        let backoff =
            Backoff::new(Duration::from_millis(100), Duration::from_millis(350)).without_jitter();
        let waits: Vec<u128> = (0..5).map(|n| backoff.delay(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350, 350]);
        let constant = backoff.factor(1);
        assert_eq!(constant.delay(4), Duration::from_millis(100));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_wait_and_varies() {
        let backoff = Backoff::new(Duration::from_secs(8), Duration::from_secs(60));
        let waits: Vec<Duration> = (0..200).map(|_| backoff.delay(1)).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= Duration::from_secs(8) && *w <= Duration::from_secs(16)),
            "{waits:?}"
        );
        let first = waits[0];
        assert!(waits.iter().any(|w| *w != first), "jitter varies the waits");
    }

    #[test]
    fn huge_attempt_numbers_do_not_overflow() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        assert!(backoff.delay(u32::MAX) <= Duration::from_secs(30));
    }
}
