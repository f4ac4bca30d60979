//! Czech, Spanish and Catalan names in each encoding are read back right.

use import::table::{Encoding, ReadOptions, Record, open};

const CZECH: &str = "Jméno;Příjmení;Město;Telefon
Jiří;Dvořák;Plzeň;602 123 456
Alžběta;Nováková;České Budějovice;777 111 222
Šárka;Růžičková;Říčany;731 000 111
Tomáš;Černý;Ústí nad Labem;605 555 666
Zdeněk;Šťastný;Třebíč;608 000 000
Ľubica;Ďurišová;Žilina;+421 905 123 456
Květoslava;Kuchařová;Kolín;604 321 987
";

const SPANISH: &str = "Nombre;Apellidos;Población;Teléfono
José;Núñez Ibáñez;Logroño;612 345 678
María;Peña Gómez;A Coruña;699 111 222
Ángel;Muñoz;Cádiz;+34 622 333 444
Begoña;Íñiguez Díaz;Málaga;911 234 567
Iñaki;Ruiz;Güímar;922 000 111
";

const CATALAN: &str = "Nom;Cognoms;Població;Telèfon
Jordi;Puigcercòs i Vilà;Girona;612 345 678
Montserrat;Ferrè Roig;Lleida;699 111 222
Núria;Sànchez;Sant Cugat del Vallès;+34 622 333 444
Lluïsa;Martí;Vilanova i la Geltrú;937 000 111
Francesc;Cortès;Col·legi d'Olot;972 111 222
Pere;Gençana;Sabadell;937 123 456
";

const ENCODINGS: [Encoding; 4] = [
    Encoding::Utf8,
    Encoding::Windows1250,
    Encoding::Windows1252,
    Encoding::Iso8859_2,
];

fn read(bytes: &[u8]) -> (Encoding, Vec<String>) {
    let mut table = open(bytes, &ReadOptions::default()).unwrap();
    let mut records: Vec<Record> = Vec::new();
    while table.next_chunk(100, &mut records).unwrap() > 0 {}
    let mut lines = vec![table.headers().join(";")];
    lines.extend(records.iter().map(|r| r.fields.join(";")));
    (table.encoding().unwrap(), lines)
}

/// The lines of a sample the encoding can write (Czech has no ř in
/// Windows-1252, Spanish no ñ in Windows-1250…).
fn representable(sample: &str, encoding: Encoding) -> Vec<&str> {
    sample.lines().filter(|l| encoding.encode(l).1).collect()
}

#[test]
fn each_language_in_each_encoding_reads_back() {
    for (language, sample) in [("Czech", CZECH), ("Spanish", SPANISH), ("Catalan", CATALAN)] {
        for encoding in ENCODINGS {
            let lines = representable(sample, encoding);
            if lines.len() < 2 {
                continue;
            }
            let text = lines.join("\r\n");
            let (bytes, complete) = encoding.encode(&text);
            assert!(complete);
            let (detected, read) = read(&bytes);
            assert_eq!(read, lines, "{language} in {encoding} read as {detected}");
            // Where the bytes differ from every other encoding's reading,
            // the detection must name the encoding itself.
            let ambiguous = ENCODINGS.iter().any(|&other| {
                other != encoding && other != Encoding::Utf8 && other.encode(&text).0 == bytes
            });
            if !ambiguous {
                assert_eq!(detected, encoding, "{language} in {encoding}");
            }
        }
    }
}

#[test]
fn the_full_samples_are_detected_exactly() {
    let cases = [
        (CZECH, Encoding::Windows1250),
        (CZECH, Encoding::Iso8859_2),
        (CZECH, Encoding::Utf8),
        (SPANISH, Encoding::Windows1252),
        (SPANISH, Encoding::Utf8),
        (CATALAN, Encoding::Windows1252),
        (CATALAN, Encoding::Utf8),
    ];
    for (sample, encoding) in cases {
        let (bytes, complete) = encoding.encode(sample);
        assert!(complete, "{encoding}");
        assert_eq!(Encoding::detect(&bytes), encoding, "{}", &sample[..20]);
    }
}

#[test]
fn single_names_that_only_one_encoding_reads_right() {
    let cases = [
        ("Dvořák", Encoding::Windows1250),
        ("Šťastný", Encoding::Windows1250),
        ("Šťastný", Encoding::Iso8859_2),
        ("Žaneta Šimková", Encoding::Iso8859_2),
        ("Núñez", Encoding::Windows1252),
        ("Puigcercòs", Encoding::Windows1252),
        ("Sànchez", Encoding::Windows1252),
    ];
    for (name, encoding) in cases {
        let (bytes, _) = encoding.encode(name);
        assert_eq!(Encoding::detect(&bytes), encoding, "{name}");
    }
}
