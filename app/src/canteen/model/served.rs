//! What the kitchen served against what was counted: the figure it is held against and the
//! flag a served record raises when the two are far apart.

use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::i18n::Key;

/// Which count a served figure was held against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Figure {
    /// The count frozen at the cut-off, which the kitchen cooked for.
    Frozen,
    /// The count as presence has it now.
    Live,
}

impl Figure {
    /// Its name, for the flag's tooltip.
    pub const fn label(self) -> Key {
        match self {
            Figure::Frozen => Key::CanteenFigureFrozen,
            Figure::Live => Key::CanteenFigureLive,
        }
    }
}

/// A count a served figure is held against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Against {
    pub heads: i64,
    /// Which count it is.
    pub figure: Figure,
}

/// Why a served figure needs a look, and against which count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServedFlag {
    /// More were served than expected, beyond the margin.
    Above(Against),
    /// Fewer were served than expected, beyond the margin: food thrown away, or children
    /// who did not eat.
    Below(Against),
    /// The meal is over and nothing was recorded.
    NotRecorded(Against),
}

impl ServedFlag {
    /// What staff are told.
    pub const fn message(self) -> Key {
        match self {
            ServedFlag::Above(_) => Key::CanteenFlagAbove,
            ServedFlag::Below(_) => Key::CanteenFlagBelow,
            ServedFlag::NotRecorded(_) => Key::CanteenFlagNotRecorded,
        }
    }

    /// The count it was held against.
    pub const fn against(self) -> Against {
        match self {
            ServedFlag::Above(against)
            | ServedFlag::Below(against)
            | ServedFlag::NotRecorded(against) => against,
        }
    }
}

/// Flags a meal against its bounds (`MealCount::served_bounds`): served above the high one
/// or below the low one by more than `margin_percent`, or over with no record when someone
/// was expected.
pub fn served_flag(
    (low, high): (Against, Against),
    served: Option<i64>,
    margin_percent: i64,
    over: bool,
) -> Option<ServedFlag> {
    let margin = margin_percent.clamp(0, 100);
    match served {
        Some(served) if served * 100 > high.heads * (100 + margin) => Some(ServedFlag::Above(high)),
        Some(served) if served * 100 < low.heads * (100 - margin) => Some(ServedFlag::Below(low)),
        Some(_) => None,
        None if over && high.heads > 0 => Some(ServedFlag::NotRecorded(high)),
        None => None,
    }
}

/// Reads a served figure: a whole number from 0 to 5,000.
pub fn check_served(input: &str) -> Result<i64, AppError> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=5000).contains(n))
        .ok_or_else(|| AppError::invalid("served", Key::ProblemServed))
}
