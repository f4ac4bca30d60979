//! Exact money: amounts are decimals (never floating point), each beside an
//! ISO 4217 currency, and amounts of different currencies never mix.
//!
//! An [`Amount`] is written and read as a string with at least two decimals
//! (`"1550.00"`, `"0.125"`), so JSON consumers never see a binary fraction.
//! Interest is simple interest on the principal still owed, by an annual rate
//! and a day-count rule ([`DayCount`]), rounded half away from zero to the
//! cent each time it is accrued.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits::{AMOUNT_MAX_UNITS, AMOUNT_SCALE_MAX};

/// An exact, non-negative amount of money (the currency is kept beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

/// Why a written amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a decimal number.
    #[error("{0:?} is not a decimal amount (write 1550.00)")]
    NotDecimal(String),
    /// Below zero.
    #[error("an amount is never negative")]
    Negative,
    /// More decimals than kept.
    #[error("at most {AMOUNT_SCALE_MAX} decimals")]
    TooPrecise,
    /// Larger than any real debt.
    #[error("at most {AMOUNT_MAX_UNITS} units")]
    TooLarge,
}

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Parses a written amount (`"1550"`, `"1550.5"`, `"1550.00"`).
    pub fn parse(s: &str) -> Result<Amount, AmountError> {
        let d = Decimal::from_str_exact(s.trim())
            .map_err(|_| AmountError::NotDecimal(s.to_string()))?;
        Amount::from_decimal(d)
    }

    /// Checks a decimal: non-negative, few decimals, not absurdly large.
    pub fn from_decimal(d: Decimal) -> Result<Amount, AmountError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(AmountError::Negative);
        }
        if d.normalize().scale() > AMOUNT_SCALE_MAX {
            return Err(AmountError::TooPrecise);
        }
        if d > Decimal::from(AMOUNT_MAX_UNITS) {
            return Err(AmountError::TooLarge);
        }
        Ok(Amount(d.normalize()))
    }

    /// An amount of whole cents (tests and examples).
    pub fn cents(c: i64) -> Amount {
        Amount(Decimal::new(c, 2).normalize())
    }

    /// The decimal itself.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `self + o` (amounts stay far from the decimal's range: see the limits).
    pub fn plus(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }

    /// `self - o`, never below zero.
    pub fn minus(self, o: Amount) -> Amount {
        if o.0 >= self.0 {
            Amount::ZERO
        } else {
            Amount(self.0 - o.0)
        }
    }

    /// The smaller of two amounts.
    pub fn min(self, o: Amount) -> Amount {
        if self <= o { self } else { o }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        if d.scale() < 2 {
            d.rescale(2);
        }
        write!(f, "{d}")
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Amount::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// ISO 4217's code for "no currency".
const NO_CURRENCY: &str = "XXX";

/// An ISO 4217 currency code: three capital letters (`EUR`, `CZK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code; only its shape is checked (three capitals).
    pub fn parse(s: &str) -> Result<Currency, String> {
        let b = s.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) {
            return Err(format!(
                "{s:?} is not an ISO 4217 code (three capitals: EUR)"
            ));
        }
        Ok(Currency([b[0], b[1], b[2]]))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored (see `parse`), so this never
        // falls back; if it did, `XXX` is ISO 4217's own "no currency".
        std::str::from_utf8(&self.0).unwrap_or(NO_CURRENCY)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How days between two dates count towards a year of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayCount {
    /// Actual days over 365.
    #[serde(rename = "act/365")]
    Act365,
    /// Actual days over 360.
    #[serde(rename = "act/360")]
    Act360,
    /// 30/360 bond basis (ISDA): every month 30 days, a year 360.
    #[serde(rename = "30/360")]
    Thirty360,
}

impl DayCount {
    /// Reads `act/365`, `act/360` or `30/360`.
    pub fn parse(s: &str) -> Option<DayCount> {
        match s {
            "act/365" => Some(DayCount::Act365),
            "act/360" => Some(DayCount::Act360),
            "30/360" => Some(DayCount::Thirty360),
            _ => None,
        }
    }

    /// The days counted from `from` (inclusive) to `to` (exclusive), and the
    /// days in the year they are divided by.
    pub fn days(self, from: NaiveDate, to: NaiveDate) -> (i64, i64) {
        match self {
            DayCount::Act365 => ((to - from).num_days(), 365),
            DayCount::Act360 => ((to - from).num_days(), 360),
            DayCount::Thirty360 => (thirty_360(from, to), 360),
        }
    }
}

fn thirty_360(from: NaiveDate, to: NaiveDate) -> i64 {
    let d1 = i64::from(from.day().min(30));
    let d2 = i64::from(if d1 == 30 { to.day().min(30) } else { to.day() });
    let years = i64::from(to.year() - from.year());
    let months = i64::from(to.month()) - i64::from(from.month());
    360 * years + 30 * months + (d2 - d1)
}

/// Simple interest on `principal` at `annual_rate_percent` for the days
/// from `from` to `to` by `rule`, rounded half away from zero to the cent.
/// Zero when `to` is not after `from`.
pub fn interest(
    principal: Amount,
    annual_rate_percent: Decimal,
    rule: DayCount,
    from: NaiveDate,
    to: NaiveDate,
) -> Amount {
    let (days, year) = rule.days(from, to);
    if days <= 0 || principal.is_zero() {
        return Amount::ZERO;
    }
    let raw = principal.0 * annual_rate_percent * Decimal::from(days)
        / (Decimal::ONE_HUNDRED * Decimal::from(year));
    let rounded = raw.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Amount(rounded.max(Decimal::ZERO).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn amounts_are_written_with_at_least_two_decimals() {
        assert_eq!(Amount::parse("1550").unwrap().to_string(), "1550.00");
        assert_eq!(Amount::parse("1550.5").unwrap().to_string(), "1550.50");
        assert_eq!(Amount::parse("0.125").unwrap().to_string(), "0.125");
        let json = serde_json::to_string(&Amount::parse("12.3").unwrap()).unwrap();
        assert_eq!(json, "\"12.30\"");
        let back: Amount = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Amount::cents(1230));
    }

    #[test]
    fn bad_amounts_and_currencies_are_refused() {
        assert_eq!(Amount::parse("-1"), Err(AmountError::Negative));
        assert!(matches!(
            Amount::parse("1e3"),
            Err(AmountError::NotDecimal(_))
        ));
        assert_eq!(Amount::parse("0.00001"), Err(AmountError::TooPrecise));
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert_eq!(Currency::parse("CZK").unwrap().to_string(), "CZK");
    }

    #[test]
    fn thirty_360_counts_months_as_thirty_days() {
        assert_eq!(thirty_360(d("2026-01-31"), d("2026-02-28")), 28);
        assert_eq!(thirty_360(d("2026-01-30"), d("2026-03-31")), 60);
        assert_eq!(thirty_360(d("2026-01-01"), d("2027-01-01")), 360);
    }

    #[test]
    fn interest_for_each_day_count_rule() {
        let p = Amount::parse("10000").unwrap();
        let r = Decimal::from(10);
        let (a, b) = (d("2026-01-01"), d("2026-03-01"));
        // 59 actual days; 60 days by 30/360.
        assert_eq!(interest(p, r, DayCount::Act365, a, b).to_string(), "161.64");
        assert_eq!(interest(p, r, DayCount::Act360, a, b).to_string(), "163.89");
        assert_eq!(
            interest(p, r, DayCount::Thirty360, a, b).to_string(),
            "166.67"
        );
        assert!(interest(p, r, DayCount::Act365, b, a).is_zero());
    }
}
