/**
 * Word pools for the data generator. Deliberately awkward: ampersands, apostrophes, quotes,
 * angle brackets, diacritics, CJK, zips with leading zeros, multi-word personal names.
 */

interface CityEntry {
  city: string;
  state: string;
  zips: readonly string[];
}

export interface CountryEntry {
  country: string;
  code: string;
  cities: readonly CityEntry[];
  streets: readonly string[];
  /** Whether the house number follows the street name (Strandgata 5) or leads it (400 Pine Street). */
  numberAfterStreet: boolean;
  legalSuffixes: readonly string[];
}

export const COUNTRIES: readonly CountryEntry[] = [
  {
    country: 'United States',
    code: 'US',
    numberAfterStreet: false,
    legalSuffixes: ['Inc.', 'LLC', 'Corp.', 'Co.'],
    streets: ['Pine Street', 'Main Street', 'Elm Avenue', 'Market Street', 'Oak Boulevard', 'Harbor Way'],
    cities: [
      { city: 'Boston', state: 'MA', zips: ['02110', '02116', '02210'] },
      { city: 'Hartford', state: 'CT', zips: ['06103', '06106'] },
      { city: 'Newark', state: 'NJ', zips: ['07102', '07105'] },
      { city: 'Portland', state: 'ME', zips: ['04101'] },
      { city: 'Austin', state: 'TX', zips: ['78701', '78702'] },
      { city: 'Seattle', state: 'WA', zips: ['98101', '98104'] },
      { city: 'Chicago', state: 'IL', zips: ['60601', '60614'] },
      { city: 'San José', state: 'CA', zips: ['95113'] },
    ],
  },
  {
    country: 'Canada',
    code: 'CA',
    numberAfterStreet: false,
    legalSuffixes: ['Ltd.', 'Inc.', 'Ltée'],
    streets: ['King Street West', 'Rue Saint-Paul', 'Avenue Road', 'Stephen Avenue'],
    cities: [
      { city: 'Toronto', state: 'ON', zips: ['M5V 2T6', 'M4W 1A8'] },
      { city: 'Montréal', state: 'QC', zips: ['H2Y 1C6'] },
      { city: 'Calgary', state: 'AB', zips: ['T2P 1J9'] },
    ],
  },
  {
    country: 'United Kingdom',
    code: 'GB',
    numberAfterStreet: false,
    legalSuffixes: ['Ltd', 'PLC', 'LLP'],
    streets: ['High Street', "Queen's Road", 'Deansgate', 'Princes Street'],
    cities: [
      { city: 'London', state: '', zips: ['EC1A 1BB', 'SW1A 2AA'] },
      { city: 'Manchester', state: '', zips: ['M1 1AE'] },
      { city: 'Edinburgh', state: '', zips: ['EH1 1YZ'] },
    ],
  },
  {
    country: 'Ireland',
    code: 'IE',
    numberAfterStreet: false,
    legalSuffixes: ['Ltd', 'DAC', 'Teoranta'],
    streets: ['Quay Road', 'Grafton Street', 'Sráid an Phiarsaigh'],
    cities: [
      { city: 'Cork', state: '', zips: ['T12 X8Y2'] },
      { city: 'Dublin', state: '', zips: ['D02 AF30', 'D08 VF8H'] },
    ],
  },
  {
    country: 'Norway',
    code: 'NO',
    numberAfterStreet: true,
    legalSuffixes: ['AS', 'ASA'],
    streets: ['Strandgata', 'Storgata', 'Karl Johans gate', 'Bryggen'],
    cities: [
      { city: 'Tromsø', state: '', zips: ['9008', '9010'] },
      { city: 'Oslo', state: '', zips: ['0150', '0250'] },
      { city: 'Bergen', state: '', zips: ['5003'] },
    ],
  },
  {
    country: 'Germany',
    code: 'DE',
    numberAfterStreet: true,
    legalSuffixes: ['GmbH', 'AG', 'GmbH & Co. KG', 'e.K.'],
    streets: ['Hauptstraße', 'Königsallee', 'Schloßstraße', 'Am Markt'],
    cities: [
      { city: 'Dresden', state: 'SN', zips: ['01067', '01069'] },
      { city: 'Berlin', state: 'BE', zips: ['10115', '10969'] },
      { city: 'München', state: 'BY', zips: ['80331'] },
      { city: 'Köln', state: 'NW', zips: ['50667'] },
    ],
  },
  {
    country: 'Switzerland',
    code: 'CH',
    numberAfterStreet: true,
    legalSuffixes: ['AG', 'SA', 'GmbH'],
    streets: ['Bahnhofstrasse', 'Rue du Rhône', 'Limmatquai'],
    cities: [
      { city: 'Zürich', state: 'ZH', zips: ['8001', '8004'] },
      { city: 'Genève', state: 'GE', zips: ['1204'] },
    ],
  },
  {
    country: 'France',
    code: 'FR',
    numberAfterStreet: false,
    legalSuffixes: ['SARL', 'SA', 'SAS'],
    streets: ['rue de Rivoli', 'boulevard Haussmann', 'quai Saint-Antoine'],
    cities: [
      { city: 'Paris', state: '', zips: ['75001', '75008'] },
      { city: 'Lyon', state: '', zips: ['69002'] },
    ],
  },
  {
    country: 'Brazil',
    code: 'BR',
    numberAfterStreet: true,
    legalSuffixes: ['Ltda.', 'S.A.'],
    streets: ['Avenida Paulista,', 'Rua Oscar Freire,', 'Avenida Atlântica,'],
    cities: [
      { city: 'São Paulo', state: 'SP', zips: ['01310-100', '01414-001'] },
      { city: 'Rio de Janeiro', state: 'RJ', zips: ['20040-002'] },
    ],
  },
  {
    country: 'Japan',
    code: 'JP',
    numberAfterStreet: true,
    legalSuffixes: ['K.K.', 'G.K.'],
    streets: ['千代田区丸の内', 'Minato-ku Roppongi'],
    cities: [{ city: 'Tokyo', state: '', zips: ['100-0005', '106-0032'] }],
  },
  {
    country: 'Mexico',
    code: 'MX',
    numberAfterStreet: true,
    legalSuffixes: ['S.A. de C.V.', 'S. de R.L.'],
    streets: ['Paseo de la Reforma', 'Avenida Insurgentes Sur'],
    cities: [{ city: 'Ciudad de México', state: 'CDMX', zips: ['06600', '03100'] }],
  },
  {
    country: 'Australia',
    code: 'AU',
    numberAfterStreet: false,
    legalSuffixes: ['Pty Ltd'],
    streets: ['George Street', 'Collins Street', 'Mitchell Street'],
    cities: [
      { city: 'Sydney', state: 'NSW', zips: ['2000'] },
      { city: 'Melbourne', state: 'VIC', zips: ['3000'] },
      { city: 'Darwin', state: 'NT', zips: ['0800'] },
    ],
  },
  {
    country: 'Netherlands',
    code: 'NL',
    numberAfterStreet: true,
    legalSuffixes: ['B.V.', 'N.V.'],
    streets: ['Herengracht', 'Damrak', 'Coolsingel'],
    cities: [
      { city: 'Amsterdam', state: '', zips: ['1012 AB', '1017 CE'] },
      { city: "'s-Hertogenbosch", state: '', zips: ['5211 AB'] },
    ],
  },
  {
    country: 'Spain',
    code: 'ES',
    numberAfterStreet: true,
    legalSuffixes: ['S.L.', 'S.A.'],
    streets: ['Passeig de Gràcia,', 'Calle Mayor,'],
    cities: [
      { city: 'Barcelona', state: 'B', zips: ['08001', '08007'] },
      { city: 'A Coruña', state: 'C', zips: ['15001'] },
    ],
  },
  {
    country: 'Italy',
    code: 'IT',
    numberAfterStreet: true,
    legalSuffixes: ['S.r.l.', 'S.p.A.'],
    streets: ['Via del Corso', 'Via Roma'],
    cities: [{ city: 'Roma', state: 'RM', zips: ['00184', '00186'] }],
  },
  {
    country: 'Poland',
    code: 'PL',
    numberAfterStreet: true,
    legalSuffixes: ['Sp. z o.o.', 'S.A.'],
    streets: ['ulica Floriańska', 'ulica Piotrkowska'],
    cities: [
      { city: 'Kraków', state: '', zips: ['30-001', '31-019'] },
      { city: 'Łódź', state: '', zips: ['90-001'] },
    ],
  },
  {
    country: 'Sweden',
    code: 'SE',
    numberAfterStreet: true,
    legalSuffixes: ['AB'],
    streets: ['Södergatan', 'Drottninggatan'],
    cities: [{ city: 'Malmö', state: '', zips: ['211 20', '211 34'] }],
  },
  {
    country: 'Denmark',
    code: 'DK',
    numberAfterStreet: true,
    legalSuffixes: ['ApS', 'A/S'],
    streets: ['Åboulevarden', 'Strøget'],
    cities: [{ city: 'Aarhus', state: '', zips: ['8000'] }],
  },
  {
    country: 'Iceland',
    code: 'IS',
    numberAfterStreet: true,
    legalSuffixes: ['ehf.', 'hf.'],
    streets: ['Laugavegur', 'Skólavörðustígur'],
    cities: [{ city: 'Reykjavík', state: '', zips: ['101'] }],
  },
  {
    country: 'South Africa',
    code: 'ZA',
    numberAfterStreet: false,
    legalSuffixes: ['(Pty) Ltd'],
    streets: ['Long Street', 'Bree Street'],
    cities: [
      { city: 'Cape Town', state: 'WC', zips: ['8001'] },
      { city: 'Johannesburg', state: 'GP', zips: ['2001'] },
    ],
  },
  {
    country: 'India',
    code: 'IN',
    numberAfterStreet: false,
    legalSuffixes: ['Pvt. Ltd.', 'LLP'],
    streets: ['Marine Drive', 'MG Road'],
    cities: [{ city: 'Mumbai', state: 'MH', zips: ['400001', '400020'] }],
  },
  {
    country: 'Türkiye',
    code: 'TR',
    numberAfterStreet: true,
    legalSuffixes: ['A.Ş.', 'Ltd. Şti.'],
    streets: ['İstiklal Caddesi', 'Bağdat Caddesi'],
    cities: [{ city: 'İstanbul', state: '', zips: ['34000', '34433'] }],
  },
];

export const COMPANY_STEMS: readonly string[] = [
  'Harbor',
  'Pike',
  'Northwind',
  'Fjordvik',
  'Blåbær',
  'Müller',
  'Søndergaard',
  'Lumière',
  'Açaí',
  'Nakamura',
  'Zieliński',
  'Øresund',
  'Alpenglühen',
  'Château',
  'Kestrel',
  'Birch',
  'Meridian',
  'Copperfield',
  'Ashgrove',
  'Bluestone',
  'Cedar',
  'Driftwood',
  'Evergreen',
  'Granite',
  'Hawthorne',
  'Ironbridge',
  'Juniper',
  'Larkspur',
  'Maple',
  'Oakridge',
  'Quill',
  'Redwood',
  'Saffron',
  'Tidewater',
  'Umber',
  'Vantage',
  'Willow',
  'Yarrow',
  'Zephyr',
  'Dvořák',
  'Göksel',
  'Ibáñez',
  'Þórsson',
  'Crème',
  'Ríos',
];

export const SURNAME_STEMS: readonly string[] = ["O'Neill", "D'Angelo", 'McAllister', "O'Brien", 'Smith', 'García', 'Jones', 'Patel'];

export const BUSINESS_KINDS: readonly string[] = [
  'Engineering',
  'Design Studio',
  'Consulting',
  'Logistics',
  'Architects',
  'Bakery',
  'Holdings',
  'Partners',
  'Analytics',
  'Labs',
  'Solutions',
  'Systems',
  'Media',
  'Foods',
  'Outfitters',
  'Legal',
  'Dental Group',
  'Builders',
  'Trading',
  'Software',
];

export const ODDBALL_COMPANY_NAMES: readonly string[] = [
  "O'Neill <Design> Studio",
  'The "Blue Door" Café',
  'A&B <Holdings>',
  "Smith & Sons 'Since 1901'",
  '  Leading Space Ltd  ',
  'Ünïcödé Ærø Østergård',
  '北京咨询有限公司',
];

export const ADDRESS2_LINES: readonly string[] = ['Floor 12', 'Suite 200', 'Unit 4B', 'Building C', '2nd floor', 'c/o Accounts Payable', 'Apt. 3'];

export const ADDRESS3_LINES: readonly string[] = ['Attn: Finance & Admin', 'PO Box 1200', 'Industrial Park "West"', 'Gebäude 7'];

export const FIRST_NAMES: readonly string[] = [
  'Adaeze',
  'James',
  'Olivia',
  'Liam',
  'Sofia',
  'Noah',
  'Chen',
  'Priya',
  'Mateo',
  'Zoë',
  'José',
  'Søren',
  'Łukasz',
  'Björn',
  'Aoife',
  'Siobhán',
  'François',
  'Małgorzata',
  'Ingrid',
  'Kwame',
  'Yuki',
  'Fatima',
  'Amélie',
  'Dmitri',
  'Ngozi',
  'Emma',
  'Oliver',
  'Hana',
  'Rafael',
];

export const MULTI_WORD_FIRST_NAMES: readonly string[] = ['Mary Ann', 'Jean-Luc', 'Anna Maria', 'Juan Carlos', 'Mary Jo', 'Ana Lúcia'];

export const LAST_NAMES: readonly string[] = [
  'Okafor',
  'Smith',
  'García',
  'Müller',
  "O'Brien",
  'Nakamura',
  'Kowalski',
  'Ødegaard',
  'Johansson',
  'Nguyễn',
  'Dubois',
  'Mensah',
  'Sato',
  'Haddad',
  'Lefèvre',
  'Ivanova',
  'Murphy',
  'Smith-Jones',
  'Fernández',
  'Brennan',
  'Kim',
  'Novák',
];

export const MULTI_WORD_LAST_NAMES: readonly string[] = [
  'van der Berg',
  'de la Cruz',
  'Da Silva',
  'Van Dyke',
  'del Toro',
  'bin Abdullah',
  'ter Horst',
];

export const MIDDLE_NAMES: readonly string[] = ['Grace', 'Lee', 'Marie', 'J.', 'Óscar'];

export const SINGLE_NAMES: readonly string[] = ['Madonna', 'Teller', 'Zendaya', 'Björk'];

export const JOB_TITLES: readonly string[] = [
  'Senior Consultant',
  'Consultant',
  'Project Manager',
  'VP, Engineering',
  'R&D Lead',
  'Controller',
  'Account Executive',
  'Designer',
  'Software Engineer',
  'Office Manager',
  'Chief "Everything" Officer',
  'Técnico de Soporte',
];

export interface DepartmentEntry {
  id: string;
  title: string;
}

export const DEPARTMENTS: readonly DepartmentEntry[] = [
  { id: 'CONS', title: 'Consulting' },
  { id: 'ENG', title: 'Engineering' },
  { id: 'FIN', title: 'Finance' },
  { id: 'HR', title: 'Human Resources' },
  { id: 'SALES', title: 'Sales' },
  { id: 'MKT', title: 'Marketing' },
  { id: 'OPS', title: 'Operations' },
  { id: 'RND', title: 'Research & Development' },
  { id: 'SUP', title: 'Support <Tier 1>' },
  { id: 'LEGAL', title: 'Legal' },
  { id: 'IT', title: 'IT Services' },
  { id: 'PMO', title: 'Project Management Office' },
];
