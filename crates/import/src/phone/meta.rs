//! The `phonenumber` crate's metadata, compiled once per region.
//!
//! The `phonenumber` crate keeps its patterns behind a mutex-guarded cache of
//! 100 compiled regular expressions, which the ~250 regions keep evicting. Here
//! each region's patterns are compiled on first use and kept. The patterns are
//! the crate's own (same source, same `ignore_whitespace` flag), wrapped as
//! `^(?:…)`: the crate only ever asks whether a pattern matches at the start of
//! the text, so anchoring gives the same answers without scanning further.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use phonenumber::Type;
use phonenumber::country::Id;
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::{Regex, RegexBuilder};

/// The largest country calling code plus one (codes have at most 3 digits).
const CODES: usize = 1000;

/// One number type's pattern and lengths.
pub(super) struct Desc {
    re: Regex,
    lengths: Box<[u16]>,
    /// The pattern's source, to compare fixed-line and mobile patterns.
    source: String,
}

impl Desc {
    fn new(desc: &Descriptor) -> Self {
        let source = desc.national_number().as_str().to_owned();
        Self {
            re: anchored(&source),
            lengths: desc.possible_length().into(),
            source,
        }
    }

    /// `Descriptor::is_match`: a possible length (when any are listed) and
    /// the pattern matching at the start.
    pub(super) fn is_match(&self, value: &str) -> bool {
        let len = value.len() as u16;
        (self.lengths.is_empty() || self.lengths.contains(&len)) && self.re.is_match(value)
    }
}

/// What `phonenumber`'s length check says of a national number's length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Length {
    /// A possible length (for local dialling only included).
    Possible,
    /// Shorter than every possible length.
    TooShort,
    /// Anything else: too long, a gap in the lengths, or no lengths.
    Other,
}

/// A region's patterns, compiled.
pub(super) struct Compiled {
    /// The international (IDD) prefix, e.g. `00` for Spain.
    pub(super) idd: Option<Regex>,
    /// The national prefix, e.g. `0` for the United Kingdom.
    pub(super) national_prefix: Option<String>,
    /// The pattern for the national prefix and carrier code when parsing.
    pub(super) npp: Option<Regex>,
    /// The rule rewriting what `npp` matched, when there is one.
    pub(super) transform: Option<String>,
    /// Leading digits telling this region apart from others sharing its code.
    pub(super) leading: Option<Regex>,
    general: Desc,
    general_local: Box<[u16]>,
    /// The types checked before fixed-line and mobile, in the crate's order.
    special: Vec<(Type, Desc)>,
    fixed: Option<Desc>,
    mobile: Option<Desc>,
}

impl Compiled {
    fn new(meta: &Metadata) -> Self {
        let d = meta.descriptors();
        let special = [
            (Type::PremiumRate, d.premium_rate()),
            (Type::TollFree, d.toll_free()),
            (Type::SharedCost, d.shared_cost()),
            (Type::Voip, d.voip()),
            (Type::PersonalNumber, d.personal_number()),
            (Type::Pager, d.pager()),
            (Type::Uan, d.uan()),
            (Type::Voicemail, d.voicemail()),
        ]
        .into_iter()
        .filter_map(|(kind, desc)| desc.map(|desc| (kind, Desc::new(desc))))
        .collect();
        Self {
            idd: meta.international_prefix().map(|re| anchored(re.as_str())),
            national_prefix: meta.national_prefix().map(str::to_owned),
            npp: meta
                .national_prefix_for_parsing()
                .map(|re| anchored(re.as_str())),
            transform: meta.national_prefix_transform_rule().map(str::to_owned),
            leading: meta.leading_digits().map(|re| anchored(re.as_str())),
            general: Desc::new(d.general()),
            general_local: d.general().possible_local_length().into(),
            special,
            fixed: d.fixed_line().map(Desc::new),
            mobile: d.mobile().map(Desc::new),
        }
    }

    /// Whether the general pattern matches.
    pub(super) fn general_match(&self, value: &str) -> bool {
        self.general.is_match(value)
    }

    /// `validator::length` for `Type::Unknown` (the general description).
    pub(super) fn length(&self, len: usize) -> Length {
        let possible = &self.general.lengths;
        let (Some(&min), Some(&max)) = (possible.first(), possible.last()) else {
            return Length::Other;
        };
        let len = len as u16;
        if self.general_local.contains(&len) || len == min {
            Length::Possible
        } else if len < min {
            Length::TooShort
        } else if len <= max && possible.contains(&len) {
            Length::Possible
        } else {
            Length::Other
        }
    }

    /// `validator::number_type`, step for step.
    pub(super) fn number_type(&self, value: &str) -> Type {
        if !self.general.is_match(value) {
            return Type::Unknown;
        }
        if let Some((kind, _)) = self.special.iter().find(|(_, d)| d.is_match(value)) {
            return *kind;
        }
        let mobile = self.mobile.as_ref();
        if let Some(fixed) = self.fixed.as_ref().filter(|d| d.is_match(value)) {
            let same = mobile.is_some_and(|m| m.source == fixed.source);
            if same || mobile.is_some_and(|m| m.is_match(value)) {
                return Type::FixedLineOrMobile;
            }
            return Type::FixedLine;
        }
        if mobile.is_some_and(|m| m.is_match(value)) {
            return Type::Mobile;
        }
        Type::Unknown
    }
}

/// One region of the metadata.
pub(super) struct Region {
    /// The crate's metadata for the region.
    pub(super) meta: &'static Metadata,
    /// The region as the crate's country identifier (`None` for "001").
    pub(super) id: Option<Id>,
    /// The country calling code.
    pub(super) code: u16,
    /// The country calling code as digits.
    pub(super) code_str: String,
    compiled: OnceLock<Compiled>,
}

impl Region {
    /// The region's patterns, compiled on first use.
    pub(super) fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| Compiled::new(self.meta))
    }
}

/// All regions, by identifier and by calling code.
pub(super) struct Db {
    regions: Vec<Region>,
    by_id: HashMap<&'static str, usize>,
    /// For each code, its regions in the crate's order (main country first).
    by_code: Vec<Box<[usize]>>,
}

impl Db {
    fn load() -> Self {
        let mut regions = Vec::new();
        // By code, not by identifier: the non-geographic entities all have
        // the identifier "001", one per calling code.
        let by_code = (0..CODES)
            .map(|code| {
                let metas = DATABASE.by_code(&(code as u16)).unwrap_or_default();
                metas
                    .into_iter()
                    .map(|meta| {
                        regions.push(Region {
                            meta,
                            id: meta.id().parse().ok(),
                            code: meta.country_code(),
                            code_str: meta.country_code().to_string(),
                            compiled: OnceLock::new(),
                        });
                        regions.len() - 1
                    })
                    .collect()
            })
            .collect();
        let by_id = regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.id.is_some())
            .map(|(i, r)| (r.meta.id(), i))
            .collect();
        Self {
            regions,
            by_id,
            by_code,
        }
    }

    /// The region with this identifier ("ES", "001"…).
    pub(super) fn by_id(&self, id: &str) -> Option<&Region> {
        self.by_id.get(id).map(|&i| &self.regions[i])
    }

    /// The regions using this calling code, main country first.
    pub(super) fn by_code(&self, code: u16) -> &[usize] {
        self.by_code.get(usize::from(code)).map_or(&[], |r| r)
    }

    /// The region at an index from [`Db::by_code`].
    pub(super) fn region(&self, index: usize) -> &Region {
        &self.regions[index]
    }

    /// `validator::source_for`: which region's metadata describes a national
    /// number with this calling code. `None` as in the crate, including for a
    /// single region whose identifier the crate cannot name.
    pub(super) fn source_for(&self, code: u16, national: &str) -> Option<&Region> {
        let regions = self.by_code(code);
        if let [only] = regions {
            let region = self.region(*only);
            return (region.id.is_some() || region.meta.id() == "001").then_some(region);
        }
        regions.iter().map(|&i| self.region(i)).find(|region| {
            let compiled = region.compiled();
            match &compiled.leading {
                Some(leading) => leading.is_match(national),
                None => compiled.number_type(national) != Type::Unknown,
            }
        })
    }
}

/// The compiled metadata, loaded on first use.
pub(super) static DB: LazyLock<Db> = LazyLock::new(Db::load);

/// The crate's pattern anchored at the start, with the crate's flags.
fn anchored(source: &str) -> Regex {
    // The new line ends a `#` comment the pattern might end with.
    RegexBuilder::new(&format!("^(?:{source}\n)"))
        .ignore_whitespace(true)
        .size_limit(10 * (1 << 20))
        .dfa_size_limit(2 * (1 << 20))
        .build()
        .unwrap_or_else(|e| panic!("the phonenumber crate's pattern {source:?}: {e}"))
}
