"""Benchmark of watch-list screening: index build time, filings per second (shipper + consignee, one
core) and recall of the indexed screen against an exhaustive rapidfuzz scan at the same threshold.

Run: .venv/bin/python benchmarks/bench_watchlist.py [--entries 100000] [--runs 5] [--seed 7]
Targets: >= 5,000 filings/s and recall >= 0.98. Everything is generated from a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acid_processor.assessment.normalise import sorted_name
from acid_processor.assessment.watchlist import WatchList, WatchListEntry
from acid_processor.model import Address, Party


def words(text: str) -> list[str]:
    """The words of a multi-line string."""
    return text.split()


CORES = words(
    """
Golden Dragon Silk Pearl Atlas Horizon Phoenix Falcon Orient Meridian Zenith Nova Polaris Aurora Baltic
Caspian Adriatic Sahara Andes Himalaya Kilimanjaro Amazon Danube Volga Yangtze Mekong Nile Tigris Ural
Sibir Taiga Altai Baikal Neva Kama Oka Don Dnepr Krasny Zvezda Severny Vostok Zapad Yug Rassvet Sokol
Berkut Orel Volna Granit Almaz Rubin Sapfir Izumrud Yantar Kedr Bereza Dub Lipa Sosna Tsvetok Mayak Parus
Hanse Nordlicht Sonnenschein Bergland Waldhaus Seeblick Rheingold Eisenwerk Stahlbau Feinmechanik
Bürotechnik Müllerhof Schäfer Größe Weißdorn Kühne Löwenherz Fröhlich Grün Blümchen Straßburg Öztürk
Société Générale Étoile Crème Château Forêt Rivière Lumière Océan Élan Frère Mère Père Cœur Fleur Soleil
Montagne Vallée Prairie Jardin Maison Atelier Comptoir Marché Navire Phare Horizonte Estrella Sol Luna
Mar Cielo Tierra Fuego Agua Viento Montaña Río Ñandú Peña Cañón Señor Niño Año España Azteca Maya Inca
Cóndor Jaguar Puma Águila Halcón Paloma Stella Mare Monte Fiume Lago Porto Ponte Torre Castello Villa
Fontana Aurelia Serenissima Veneto Lombardo Toscana Çelik Güneş Yıldız Ay Deniz Dağ Kartal Aslan Kaplan
Şahin Doğan Özgür Ilgaz Ergün Tuğra Anadolu Marmara Karadeniz Akdeniz Ege Toros Fırat Dicle Huanghe
Changjiang Longma Jinlong Hongxing Dongfang Xinhua Zhongxing Huaxin Tianma Baima Feiyun Haitian Shenzhou
Kunlun Taishan Huashan Lanhua Meihua Hehua Zijin Baoli Fuxing Xiangyun Ruixiang Yongsheng Hengtai Dahua
Noor Qamar Shams Najm Sahara Wadi Jabal Bahr Nahr Sabah Masa Layl Fajr Zahra Yasmin Rayhan Anbar Misk
Dar Bayt Qasr Burj Minar Saqr Nasr Fath Izz Majd Amal Salam Hayat Baraka Rahma Karam Jood Wafa Basma
Pars Arya Kavir Zagros Alborz Damavand Shiraz Tabriz Caspian Karun Sepid Mehr Azar Bahar Tir Khorshid
Ganga Yamuna Kaveri Narmada Godavari Himadri Sagar Surya Chandra Tara Kiran Jyoti Prakash Lakshmi Durga
Indra Varuna Agni Vayu Prithvi Akash Neel Hari Shakti Vijay Jaya Sundaram Sri Ananta Kamal Pankaj Padma
Merdeka Nusantara Garuda Rajawali Elang Harimau Gajah Bintang Bulan Matahari Samudra Gunung Pelangi
Sakura Fuji Yamato Asahi Hikari Kaze Sora Umi Yama Kawa Hoshi Tsuki Hana Midori Aoi Kiyomizu Daikoku
Hanil Daehan Hanguk Mirae Saebyeok Hanbit Dasan Baekdu Halla Sejong Gwangmyeong Jeonju Nammun Bukbang
Thanh Long Phuong Hoang Bach Viet Sai Gon Hong Ha Cuu Mekong Lotus Bamboo Jade Ivory Amber Coral Onyx
Cobalt Titan Vulcan Apex Vertex Summit Pinnacle Keystone Cornerstone Bridgewater Riverside Lakeside
Northgate Southport Eastwind Westbrook Ironbridge Silverline Bluewater Redstone Greenfield Blackrock
Whitehaven Oakridge Pinecrest Maplewood Cedar Willow Aspen Birch Elm Rowan Hawthorn Heather Thistle
"""
)

SECONDS = words(
    """
Star Dragon Falcon Eagle Lion Tiger Bridge Gate Way Line Link Point Port Bay Coast Sea Ocean Sky Sun Moon
Crown Royal Imperial Pacific Atlantic Arctic Continental Trans Euro Asia Afro Inter United Allied Prime
Supreme First Best Smart Bright Swift Rapid Fast Sure Safe Trust Unity Harmony Victory Fortune Lucky
Diamond Gold Silver Platinum Crystal Emerald Sapphire Ruby Pearl Jade Orion Vega Sirius Rigel Altair
Nord Süd Ost West Mitte Neue Alte Grosse Kleine Haute Grand Petit Nouveau Nueva Gran Alta Nuovo Grande
Yeni Büyük Novy Staryi Bolshoi Xin Da Jin Hong Al Dar Shin Nam Buk Dong Seo Trung Nam Bac Maha Raja
"""
)

INDUSTRIES = words(
    """
Trading Logistics Electronics Chemicals Machinery Textiles Shipping Metals Pharma Petroleum Energy
Industries Technologies Engineering Solutions Import Export Commerce Holding Group International Global
Freight Cargo Aviation Marine Mining Minerals Agro Foods Plastics Polymers Components Systems Devices
Instruments Equipment Supplies Materials Resources Ventures Enterprises Handels Handel Ticaret Sanayi
Comercio Industria Tekstil Elektronik Kimya Maşinostroenie Stroy Torg Neft Gaz Khim Mash Prom Snab
"""
)

LEGAL_FORMS = words(
    """
Ltd Ltd. Limited GmbH S.A. SA LLC Inc. Corp. Co.,Ltd Co. PLC S.R.L. S.p.A. B.V. N.V. AG KG OY AB AS
Pte.Ltd Pvt.Ltd Pty.Ltd LLP JSC OOO ZAO FZE FZCO Ltda EIRL K.K. SARL SAS Sdn.Bhd PT A.Ş. Sp.z.o.o.
"""
)

FIRST_NAMES = words(
    """
Mohammed Muhammad Ahmed Ahmad Ali Hassan Hussein Omar Khalid Youssef Ibrahim Mustafa Tariq Karim Samir
Rashid Faisal Nasser Walid Hamza Bilal Zaid Anwar Jamal Fatima Aisha Maryam Layla Zainab Noura Huda
Ivan Sergei Dmitri Alexei Nikolai Vladimir Andrei Mikhail Pavel Yuri Oleg Igor Boris Viktor Anatoly
Olga Natalia Svetlana Irina Tatiana Elena Anna Maria Ekaterina Galina Ludmila Wei Li Jun Hui Ming Jian
Hong Yan Xiaoming Zhiwei Lei Tao Bo Gang Qiang Ying Xiu Mei Fang Hao Chen Kenji Hiroshi Takashi Yuki
Akira Satoshi Naoko Keiko Minho Jiwoo Seojun Hyun Jisoo Young Anh Minh Duc Tuan Linh Thu Raj Amit
Sanjay Vikram Rahul Arjun Priya Anjali Deepak Suresh Ramesh Ravi Mehmet Mustafa Emre Burak Cem Ayşe
Elif Zeynep Hüseyin Gökhan Reza Hossein Ali Mahmoud Parisa Shirin Dariush Farhad José Juan Carlos Luis
Miguel Jorge Pedro Alejandro Fernando Ricardo Sofía María Lucía Camila Valentina Jean Pierre François
Jacques Michel Philippe Hélène Amélie Chloé Margaux Hans Jürgen Klaus Wolfgang Dieter Günter Uwe Jörg
Sabine Ute Brigitte Björn Søren Lars Nils Anders Ingrid Åsa Piotr Krzysztof Tomasz Łukasz Paweł
Agnieszka Małgorzata Giuseppe Giovanni Marco Luca Francesca Giulia Chidi Emeka Ngozi Kwame Kofi Ama
Abebe Tesfaye Olumide Oluwaseun Adebayo Thabo Sipho Lerato John James Robert Michael William David
Richard Thomas Mary Patricia Jennifer Linda Elizabeth Susan
"""
)

LAST_NAMES = words(
    """
Al-Rashid Al-Qasimi Al-Mansouri Al-Hashimi Khalil Haddad Nasser Saleh Hamdan Mahmoud Aziz Farouk Qureshi
Siddiqui Chaudhry Malik Baig Mirza Sheikh Rahman Hossain Karimi Hosseini Rezaei Moradi Ahmadi Tehrani
Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Vasiliev Sokolov Mikhailov Novikov Fedorov Morozov Volkov
Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov Zakharov Zaitsev
Solovyov Borisov Yakovlev Grigoriev Romanov Vorobyov Sergeev Kovalenko Shevchenko Bondarenko Tkachenko
Kravchenko Wang Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang
Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu
Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Kim
Lee Park Choi Jung Kang Cho Yoon Jang Lim Nguyen Tran Le Pham Hoang Vu Vo Dang Bui Do Ngo Duong Sharma
Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Nair Iyer Menon Pillai Joshi Desai Yılmaz Kaya Demir
Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç García Rodríguez González
Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez
Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina
Dubois Durand Lefebvre Leroy Moreau Laurent Simon Michel Lefèvre Mercier Dupont Lambert Bonnet François
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Rossi
Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Okafor Okonkwo
Adeyemi Mensah Owusu Boateng Tshabalala Nkosi Dlamini Mokoena Haile Bekele Girma Andersson Johansson
Karlsson Nilsson Eriksson Larsen Hansen Jensen Nielsen Pedersen Smith Johnson Williams Brown Jones
Miller Davis Wilson Anderson Taylor Moore Jackson White Harris Thompson
"""
)

COUNTRIES = words(
    """
AE CN HK RU TR IR IN PK DE FR ES IT GB US NL BE CH AT PL UA BY KZ UZ AZ GE AM SY IQ LB JO SA QA OM KW
EG LY SD NG GH KE ZA ET MY SG ID TH VN KR JP KP TW BR MX AR CO VE PA CY MT GR RS
"""
)

STREETS = words(
    "Harbour Station Market Church Mill Bridge Park King Queen Industrial Airport Free Zone Canal"
)
STREET_TYPES = ["Road", "Street", "Avenue", "Straße", "Rue", "Calle", "Via", "Caddesi", "Ulitsa", "Lu"]
ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íîï", "o": "óôöø", "u": "úùûü", "c": "ç", "n": "ñ", "s": "ş"}
LIST_NAMES = ["BENCH-DENIED", "BENCH-INTEL", "BENCH-SANCTIONS"]


def pseudo_words(rng: random.Random, n: int, exclude: set[str] = frozenset()) -> list[str]:
    """Invented words from syllables ('Varnika', 'Telmoro'): many distinct, realistic-looking tokens."""
    onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "kh", "sh", "tr", "br"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ia"]
    out: set[str] = set()
    while len(out) < n:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            word += rng.choice(["n", "r", "s", "x", "m"])
        word = word.capitalize()
        if word.upper() not in exclude:
            out.add(word)
    return sorted(out)


class Generator:
    """Company and person names, aliases and addresses from word lists, with a fixed seed."""

    def __init__(self, rng: random.Random, cores: list[str], last_names: list[str]) -> None:
        self.rng, self.cores, self.last_names = rng, cores, last_names

    def company(self) -> str:
        r = self.rng
        core, second, industry = r.choice(self.cores), r.choice(SECONDS), r.choice(INDUSTRIES)
        shape = r.random()
        if shape < 0.2:
            words = [core, industry]
        elif shape < 0.45:
            words = [core, second, industry]
        elif shape < 0.6:
            words = [second, core, industry]
        elif shape < 0.75:
            words = [core, r.choice(self.cores), industry]
        elif shape < 0.85:
            words = [r.choice(self.cores), core]
        else:
            words = [core, second, r.choice(self.cores), industry]
        if r.random() < 0.8:
            words.append(r.choice(LEGAL_FORMS))
        return " ".join(words)

    def person(self) -> str:
        r = self.rng
        words = [r.choice(FIRST_NAMES)]
        if r.random() < 0.3:
            words.append(r.choice(FIRST_NAMES))
        words.append(r.choice(self.last_names))
        return " ".join(words)

    def name(self) -> str:
        return self.company() if self.rng.random() < 0.62 else self.person()

    def address(self) -> Address:
        r = self.rng
        return Address(
            street=f"{r.randint(1, 400)} {r.choice(STREETS)} {r.choice(STREET_TYPES)}",
            city=r.choice(self.cores),
            postcode=str(r.randint(10000, 99999)),
            country_id=r.choice(COUNTRIES),
        )


def make_entries(n: int, seed: int) -> list[WatchListEntry]:
    rng = random.Random(seed)
    cores = CORES + pseudo_words(rng, 3000)
    gen = Generator(rng, cores, LAST_NAMES + pseudo_words(rng, 1500))
    entries = []
    for i in range(n):
        name = gen.name()
        aliases: list[str] = []
        if rng.random() < 0.3:
            aliases.append(gen.name())  # a former or trading name
        if rng.random() < 0.2:
            aliases.append(perturb(rng, name))  # a known spelling variant
        addr = gen.address() if rng.random() < 0.6 else None
        line = f"{addr.street}, {addr.postcode} {addr.city}" if addr else None
        country = addr.country_id if addr else (rng.choice(COUNTRIES) if rng.random() < 0.7 else None)
        min_score = rng.choice([92.0, 95.0]) if rng.random() < 0.03 else None
        entries.append(
            WatchListEntry(
                f"B{i:06d}",
                name,
                tuple(aliases),
                country,
                line,
                rng.choice(LIST_NAMES),
                rng.choice(["RFS", "RFS", "DNL"]),
                min_score,
            )
        )
    return entries


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    positions = [i for i, c in enumerate(text) if c.isalpha()]
    if len(positions) < 4:
        return text
    i = rng.choice(positions[1:])
    op = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnoprstuvy")
    if op == 0:
        return text[:i] + letter + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + letter + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def perturb(rng: random.Random, name: str) -> str:
    """A filed variant of a listed name: typos, word order, legal form, accents, case, spacing."""
    kinds = rng.sample(["typo", "order", "legal", "accents", "case", "space"], rng.randint(1, 2))
    words = name.split()
    for kind in kinds:
        if kind == "order" and len(words) > 1:
            rng.shuffle(words)
        elif kind == "legal":
            if words[-1] in LEGAL_FORMS and len(words) > 1:
                words.pop()
            else:
                words.append(rng.choice(LEGAL_FORMS))
        elif kind == "space" and len(words) > 2:
            i = rng.randrange(len(words) - 1)
            words[i : i + 2] = [words[i] + words[i + 1]]
    text = " ".join(words)
    if "accents" in kinds:
        stripped = strip_accents(text)
        if stripped != text:
            text = stripped
        else:
            text = "".join(rng.choice(ACCENTS[c]) if c in ACCENTS and rng.random() < 0.3 else c for c in text)
    if "case" in kinds:
        text = rng.choice([str.upper, str.lower, str.title])(text)
    if "typo" in kinds:
        text = typo(rng, text)
        if len(text) > 24 and rng.random() < 0.5:
            text = typo(rng, text)
    return text


def make_queries(entries: list[WatchListEntry], n_clean: int, n_true: int, seed: int):
    """Clean names (invented, off the list) and perturbed true names with their source entry."""
    rng = random.Random(seed + 1)
    listed = {sorted_name(t) for e in entries for t in (e.name, *e.aliases)}
    vocab = {w for key in listed for w in key.split()}
    gen = Generator(rng, pseudo_words(rng, 2000, vocab) + CORES[:60], pseudo_words(rng, 800, vocab))
    clean: list[str] = []
    while len(clean) < n_clean:
        name = gen.name()
        if sorted_name(name) not in listed:
            clean.append(name)
    true: list[tuple[str, WatchListEntry]] = []
    for entry in rng.sample(entries, n_true):
        source = rng.choice((entry.name, *entry.aliases))
        true.append((perturb(rng, source), entry))
    return gen, clean, true


def make_filings(gen: Generator, clean: list[str], true: list[tuple[str, WatchListEntry]], seed: int):
    """Shipper/consignee pairs: every clean name used once, each perturbed name paired with a clean one."""
    rng = random.Random(seed + 2)
    parties = [Party(name, gen.address()) for name in clean]
    for name, entry in true:
        country = entry.country if rng.random() < 0.8 else rng.choice(COUNTRIES)
        addr = gen.address()
        parties.append(Party(name, Address(addr.street, addr.city, addr.postcode, country)))
    rng.shuffle(parties)
    return [(parties[i], parties[i + 1]) for i in range(0, len(parties) - 1, 2)]


class Exhaustive:
    """The reference: fuzz.ratio of the sorted normalised query against every listed name."""

    def __init__(self, entries: list[WatchListEntry], threshold: float) -> None:
        self.entries, self.threshold = entries, threshold
        self.names: list[str] = []
        self.owner: list[int] = []
        for i, e in enumerate(entries):
            for text in dict.fromkeys((e.name, *e.aliases)):
                self.names.append(sorted_name(text))
                self.owner.append(i)

    def screen(self, name: str) -> set[str]:
        found = process.extract(
            sorted_name(name),
            self.names,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=self.threshold,
            limit=None,
        )
        out = set()
        for _, score, pos in found:
            entry = self.entries[self.owner[pos]]
            if score >= max(self.threshold, entry.min_score or 0.0):
                out.add(entry.id)
        return out


def main(argv: list[str] | None = None) -> None:
    """Generate, build, time and compare; print a small table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--clean", type=int, default=2000)
    ap.add_argument("--true", type=int, default=600)
    ap.add_argument("--threshold", type=float, default=88.0)
    ap.add_argument("--exhaustive-filings", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    entries = make_entries(args.entries, args.seed)
    t0 = time.perf_counter()
    wl = WatchList.from_entries(entries, threshold=args.threshold)
    build = time.perf_counter() - t0
    gen, clean, true = make_queries(entries, args.clean, args.true, args.seed)
    filings = make_filings(gen, clean, true, args.seed)

    rates = []
    hits = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        hits = 0
        for shipper, consignee in filings:
            hits += len(wl.screen_party(shipper, "shipper")) + len(wl.screen_party(consignee, "consignee"))
        rates.append(len(filings) / (time.perf_counter() - t0))

    ref = Exhaustive(entries, args.threshold)
    subset = filings[: args.exhaustive_filings]
    t0 = time.perf_counter()
    for shipper, consignee in subset:
        ref.screen(shipper.name or "")
        ref.screen(consignee.name or "")
    exhaustive_rate = len(subset) / (time.perf_counter() - t0)

    expected = found = source_found = 0
    misses = []
    for name, entry in true:
        want = ref.screen(name)
        got = {h.entry.id for h in wl.screen_name(name)}
        expected += len(want)
        found += len(want & got)
        source_found += entry.id in got
        misses.extend((name, m) for m in want - got)
    recall = found / expected if expected else 1.0

    median = statistics.median(rates)
    rows = [
        ("entries (names incl. aliases)", f"{len(wl):,} ({len(ref.names):,})"),
        ("build seconds", f"{build:.2f}"),
        ("filings", f"{len(filings):,} ({len(clean):,} clean + {len(true):,} perturbed true names)"),
        ("filings/s median (both parties)", f"{median:,.0f}"),
        ("filings/s all runs", ", ".join(f"{r:,.0f}" for r in rates)),
        ("hits per run (name + address)", f"{hits:,}"),
        (f"exhaustive filings/s ({len(subset)} filings)", f"{exhaustive_rate:,.1f}"),
        ("speed ratio index/exhaustive", f"{median / exhaustive_rate:,.0f}x"),
        ("recall vs exhaustive (perturbed)", f"{recall:.4f} ({found}/{expected} hits)"),
        ("source entry found (perturbed)", f"{source_found / len(true):.4f}"),
        (
            "targets",
            f"filings/s >= 5,000: {'met' if median >= 5000 else 'MISSED'}; "
            f"recall >= 0.98: {'met' if recall >= 0.98 else 'MISSED'}",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    for name, entry_id in misses[:10]:
        e = next(x for x in entries if x.id == entry_id)
        print(f"  missed: {name!r} -> {entry_id} {e.name!r} {e.aliases}")


if __name__ == "__main__":
    main()
