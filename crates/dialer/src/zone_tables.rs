//! Our own small tables from a number's area code (or an address's region) to
//! its time zones, where the phone-number metadata only gives the country.
//!
//! - North America: area code → state or province and its zone(s). An area
//!   code that spans two zones lists both, and the gate then keeps to the
//!   hours lawful in both (the most restrictive reading).
//! - Spain: landline prefix → province, autonomous community and zone (the
//!   Canary Islands are an hour behind the peninsula; regional holidays go by
//!   community). Mobile numbers carry no province.
//! - United Kingdom: one zone; a few prefixes tell the nation, for the nations'
//!   own bank holidays.
//! - Countries with one zone, or a handful of common several-zone ones.
//!
//! Area codes that are not listed fall back to every zone of the country.

use chrono_tz::Tz;
use chrono_tz::{America as Am, Atlantic, Europe as Eu, Pacific};

const ET: &[Tz] = &[Am::New_York];
const CT: &[Tz] = &[Am::Chicago];
const MT: &[Tz] = &[Am::Denver];
const PT: &[Tz] = &[Am::Los_Angeles];
const ET_CT: &[Tz] = &[Am::New_York, Am::Chicago];
const CT_MT: &[Tz] = &[Am::Chicago, Am::Denver];
const MT_PT: &[Tz] = &[Am::Denver, Am::Los_Angeles];

/// North American area codes: (region, zones, area codes).
pub(crate) const NANP_AREAS: &[(&str, &[Tz], &[u16])] = &[
    ("US-CT", ET, &[203, 475, 860, 959]),
    ("US-DE", ET, &[302]),
    ("US-DC", ET, &[202, 771]),
    (
        "US-FL",
        ET,
        &[
            239, 305, 321, 324, 352, 386, 407, 448, 561, 645, 656, 689, 727, 754, 772, 786, 813,
            863, 904, 941, 954,
        ],
    ),
    ("US-FL", ET_CT, &[850]),
    (
        "US-GA",
        ET,
        &[229, 404, 470, 478, 678, 706, 762, 770, 912, 943],
    ),
    ("US-ME", ET, &[207]),
    ("US-MD", ET, &[227, 240, 301, 410, 443, 667]),
    ("US-MA", ET, &[339, 351, 413, 508, 617, 774, 781, 857, 978]),
    ("US-NH", ET, &[603]),
    (
        "US-NJ",
        ET,
        &[201, 551, 609, 640, 732, 848, 856, 862, 908, 973],
    ),
    (
        "US-NY",
        ET,
        &[
            212, 315, 332, 347, 363, 516, 518, 585, 607, 631, 646, 680, 716, 718, 838, 845, 914,
            917, 929, 934,
        ],
    ),
    (
        "US-NC",
        ET,
        &[252, 336, 472, 704, 743, 828, 910, 919, 980, 984],
    ),
    (
        "US-OH",
        ET,
        &[
            216, 220, 234, 326, 330, 380, 419, 436, 440, 513, 567, 614, 740, 937,
        ],
    ),
    (
        "US-PA",
        ET,
        &[
            215, 223, 267, 272, 412, 445, 484, 570, 582, 610, 717, 724, 814, 835, 878,
        ],
    ),
    ("US-RI", ET, &[401]),
    ("US-SC", ET, &[803, 821, 839, 843, 854, 864]),
    ("US-VT", ET, &[802]),
    (
        "US-VA",
        ET,
        &[276, 434, 540, 571, 686, 703, 757, 804, 826, 948],
    ),
    ("US-WV", ET, &[304, 681]),
    (
        "US-MI",
        ET,
        &[231, 248, 269, 313, 517, 586, 616, 679, 734, 810, 947, 989],
    ),
    ("US-MI", ET_CT, &[906]),
    ("US-IN", ET, &[260, 317, 463, 574, 765]),
    ("US-IN", CT, &[219]),
    ("US-IN", ET_CT, &[812, 930]),
    ("US-KY", ET, &[502, 606, 859]),
    ("US-KY", ET_CT, &[270, 364]),
    ("US-TN", ET, &[423, 865]),
    ("US-TN", CT, &[615, 629, 731, 901, 931]),
    ("US-AL", CT, &[205, 251, 256, 334, 483, 659, 938]),
    ("US-AR", CT, &[327, 479, 501, 870]),
    (
        "US-IL",
        CT,
        &[
            217, 224, 309, 312, 331, 447, 464, 618, 630, 708, 773, 779, 815, 847, 861, 872,
        ],
    ),
    ("US-IA", CT, &[319, 515, 563, 641, 712]),
    ("US-LA", CT, &[225, 318, 337, 457, 504, 985]),
    ("US-MN", CT, &[218, 320, 507, 612, 651, 763, 924, 952]),
    ("US-MS", CT, &[228, 601, 662, 769]),
    ("US-MO", CT, &[235, 314, 417, 557, 573, 636, 660, 816, 975]),
    ("US-OK", CT, &[405, 539, 572, 580, 918]),
    ("US-WI", CT, &[262, 274, 353, 414, 534, 608, 715, 920]),
    (
        "US-TX",
        CT,
        &[
            210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682, 713, 726, 737, 806,
            817, 830, 832, 903, 936, 940, 945, 956, 972, 979,
        ],
    ),
    ("US-TX", MT, &[915]),
    ("US-NE", CT, &[402, 531]),
    ("US-NE", CT_MT, &[308]),
    ("US-KS", CT, &[316, 913]),
    ("US-KS", CT_MT, &[620, 785]),
    ("US-ND", CT_MT, &[701]),
    ("US-SD", CT_MT, &[605]),
    ("US-CO", MT, &[303, 719, 720, 970, 983]),
    ("US-MT", MT, &[406]),
    ("US-NM", MT, &[505, 575]),
    ("US-UT", MT, &[385, 435, 801]),
    ("US-WY", MT, &[307]),
    ("US-ID", MT_PT, &[208, 986]),
    ("US-AZ", &[Am::Phoenix], &[480, 520, 602, 623]),
    // The Navajo Nation keeps daylight-saving time; the rest of Arizona does not.
    ("US-AZ", &[Am::Phoenix, Am::Denver], &[928]),
    (
        "US-CA",
        PT,
        &[
            209, 213, 279, 310, 323, 341, 350, 369, 408, 415, 424, 442, 510, 530, 559, 562, 619,
            626, 628, 650, 657, 661, 669, 707, 714, 747, 760, 805, 818, 820, 831, 840, 858, 909,
            916, 925, 949, 951,
        ],
    ),
    ("US-WA", PT, &[206, 253, 360, 425, 509, 564]),
    ("US-NV", PT, &[702, 725, 775]),
    ("US-OR", PT, &[503, 971]),
    ("US-OR", MT_PT, &[458, 541]),
    ("US-AK", &[Am::Anchorage], &[907]),
    ("US-HI", &[Pacific::Honolulu], &[808]),
    ("CA-NS", &[Am::Halifax], &[782, 902]),
    ("CA-NB", &[Am::Halifax], &[506]),
    ("CA-NL", &[Am::St_Johns], &[709]),
    (
        "CA-QC",
        ET,
        &[263, 354, 367, 418, 438, 450, 468, 514, 579, 581, 819, 873],
    ),
    (
        "CA-ON",
        ET,
        &[
            226, 249, 289, 343, 365, 382, 416, 437, 519, 548, 613, 647, 683, 705, 742, 753, 905,
        ],
    ),
    ("CA-ON", &[Am::Toronto, Am::Winnipeg], &[807]),
    ("CA-MB", &[Am::Winnipeg], &[204, 431, 584]),
    ("CA-SK", &[Am::Regina], &[306, 474, 639]),
    ("CA-AB", &[Am::Edmonton], &[368, 403, 587, 780, 825]),
    ("CA-BC", &[Am::Vancouver], &[236, 257, 604, 672, 778]),
    ("CA-BC", &[Am::Vancouver, Am::Edmonton], &[250]),
    (
        "CA-YT",
        &[Am::Whitehorse, Am::Yellowknife, Am::Iqaluit, Am::Winnipeg],
        &[867],
    ),
];

/// Every zone of the United States, for an area code we do not know.
pub(crate) const US_ALL: &[Tz] = &[
    Am::New_York,
    Am::Chicago,
    Am::Denver,
    Am::Phoenix,
    Am::Los_Angeles,
    Am::Anchorage,
    Pacific::Honolulu,
];

/// Every zone of Canada, for an area code we do not know.
pub(crate) const CA_ALL: &[Tz] = &[
    Am::St_Johns,
    Am::Halifax,
    Am::Toronto,
    Am::Winnipeg,
    Am::Regina,
    Am::Edmonton,
    Am::Vancouver,
];

const MAD: &[Tz] = &[Eu::Madrid];
const CAN: &[Tz] = &[Atlantic::Canary];

/// Spanish geographic prefixes (after +34): (prefix, province, community, zones).
/// Numbers starting with 8 mirror those starting with 9 (810–888 are the same places).
pub(crate) const ES_PREFIXES: &[(u16, &str, &str, &[Tz])] = &[
    (91, "ES-M", "ES-MD", MAD),
    (93, "ES-B", "ES-CT", MAD),
    (920, "ES-AV", "ES-CL", MAD),
    (921, "ES-SG", "ES-CL", MAD),
    (922, "ES-TF", "ES-CN", CAN),
    (923, "ES-SA", "ES-CL", MAD),
    (924, "ES-BA", "ES-EX", MAD),
    (925, "ES-TO", "ES-CM", MAD),
    (926, "ES-CR", "ES-CM", MAD),
    (927, "ES-CC", "ES-EX", MAD),
    (928, "ES-GC", "ES-CN", CAN),
    (941, "ES-LO", "ES-RI", MAD),
    (942, "ES-S", "ES-CB", MAD),
    (943, "ES-SS", "ES-PV", MAD),
    (944, "ES-BI", "ES-PV", MAD),
    (945, "ES-VI", "ES-PV", MAD),
    (946, "ES-BI", "ES-PV", MAD),
    (947, "ES-BU", "ES-CL", MAD),
    (948, "ES-NA", "ES-NC", MAD),
    (949, "ES-GU", "ES-CM", MAD),
    (950, "ES-AL", "ES-AN", MAD),
    (951, "ES-MA", "ES-AN", MAD),
    (952, "ES-MA", "ES-AN", MAD),
    (953, "ES-J", "ES-AN", MAD),
    (954, "ES-SE", "ES-AN", MAD),
    (955, "ES-SE", "ES-AN", MAD),
    (956, "ES-CA", "ES-AN", MAD),
    (957, "ES-CO", "ES-AN", MAD),
    (958, "ES-GR", "ES-AN", MAD),
    (959, "ES-H", "ES-AN", MAD),
    (960, "ES-V", "ES-VC", MAD),
    (961, "ES-V", "ES-VC", MAD),
    (962, "ES-V", "ES-VC", MAD),
    (963, "ES-V", "ES-VC", MAD),
    (964, "ES-CS", "ES-VC", MAD),
    (965, "ES-A", "ES-VC", MAD),
    (966, "ES-A", "ES-VC", MAD),
    (967, "ES-AB", "ES-CM", MAD),
    (968, "ES-MU", "ES-MC", MAD),
    (969, "ES-CU", "ES-CM", MAD),
    (971, "ES-PM", "ES-IB", MAD),
    (972, "ES-GI", "ES-CT", MAD),
    (973, "ES-L", "ES-CT", MAD),
    (974, "ES-HU", "ES-AR", MAD),
    (975, "ES-SO", "ES-CL", MAD),
    (976, "ES-Z", "ES-AR", MAD),
    (977, "ES-T", "ES-CT", MAD),
    (978, "ES-TE", "ES-AR", MAD),
    (979, "ES-P", "ES-CL", MAD),
    (980, "ES-ZA", "ES-CL", MAD),
    (981, "ES-C", "ES-GA", MAD),
    (982, "ES-LU", "ES-GA", MAD),
    (983, "ES-VA", "ES-CL", MAD),
    (984, "ES-O", "ES-AS", MAD),
    (985, "ES-O", "ES-AS", MAD),
    (986, "ES-PO", "ES-GA", MAD),
    (987, "ES-LE", "ES-CL", MAD),
    (988, "ES-OR", "ES-GA", MAD),
];

/// Every zone of Spain, for a mobile or an unknown prefix.
pub(crate) const ES_ALL: &[Tz] = &[Eu::Madrid, Atlantic::Canary];

/// UK prefixes (after +44) that tell the nation, for its own bank holidays.
pub(crate) const GB_PREFIXES: &[(u32, &str)] = &[
    (28, "GB-NIR"),
    (131, "GB-SCT"),
    (141, "GB-SCT"),
    (1224, "GB-SCT"),
    (1382, "GB-SCT"),
    (1387, "GB-SCT"),
    (1463, "GB-SCT"),
    (1592, "GB-SCT"),
    (1738, "GB-SCT"),
    (1786, "GB-SCT"),
    (29, "GB-WLS"),
    (1633, "GB-WLS"),
    (1792, "GB-WLS"),
];

/// Countries by ISO code with their zones, for countries without a table above.
pub(crate) const COUNTRY_ZONES: &[(&str, &[Tz])] = &[
    ("GB", &[Eu::London]),
    ("IE", &[Eu::Dublin]),
    ("PT", &[Eu::Lisbon, Atlantic::Azores, Atlantic::Madeira]),
    ("FR", &[Eu::Paris]),
    ("DE", &[Eu::Berlin]),
    ("IT", &[Eu::Rome]),
    ("NL", &[Eu::Amsterdam]),
    ("BE", &[Eu::Brussels]),
    ("LU", &[Eu::Luxembourg]),
    ("CH", &[Eu::Zurich]),
    ("AT", &[Eu::Vienna]),
    ("CZ", &[Eu::Prague]),
    ("SK", &[Eu::Bratislava]),
    ("PL", &[Eu::Warsaw]),
    ("DK", &[Eu::Copenhagen]),
    ("SE", &[Eu::Stockholm]),
    ("NO", &[Eu::Oslo]),
    ("FI", &[Eu::Helsinki]),
    ("GR", &[Eu::Athens]),
    ("RO", &[Eu::Bucharest]),
    ("HU", &[Eu::Budapest]),
    ("AD", &[Eu::Andorra]),
    ("PR", &[Am::Puerto_Rico]),
    (
        "MX",
        &[
            Am::Mexico_City,
            Am::Cancun,
            Am::Chihuahua,
            Am::Hermosillo,
            Am::Tijuana,
        ],
    ),
    ("AR", &[Am::Argentina::Buenos_Aires]),
    ("CL", &[Am::Santiago]),
    ("CO", &[Am::Bogota]),
    ("PE", &[Am::Lima]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_area_code_is_listed_twice() {
        let mut seen = HashSet::new();
        for (region, _, codes) in NANP_AREAS {
            for c in *codes {
                assert!(seen.insert(*c), "area code {c} listed again under {region}");
                assert!((200..1000).contains(c), "{c} is not an area code");
            }
        }
        let mut seen = HashSet::new();
        for (p, ..) in ES_PREFIXES {
            assert!(seen.insert(*p), "Spanish prefix {p} listed twice");
        }
    }
}
