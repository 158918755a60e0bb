/**
 * Small, hand-written reference lists the demo marts draw from. Weights are relative integers;
 * the SQL turns them into lookup lists so a uniform draw picks an entry with the right frequency.
 */

export interface Country {
  code: string;
  name: string;
  continent: string;
  /** Relative share of app users. */
  weight: number;
  /** City:region pairs, biggest first (bigger cities get more sessions). */
  cities: string;
}

// A French social app with a strong US/UK following, as in seed 001.
export const COUNTRIES: Country[] = [
  { code: 'US', name: 'United States', continent: 'North America', weight: 22, cities: 'New York:New York,Los Angeles:California,Chicago:Illinois,Houston:Texas,Phoenix:Arizona,Philadelphia:Pennsylvania,San Antonio:Texas,San Diego:California,Dallas:Texas,Austin:Texas,Seattle:Washington,Boston:Massachusetts,Miami:Florida,Atlanta:Georgia,Denver:Colorado,San Francisco:California' },
  { code: 'FR', name: 'France', continent: 'Europe', weight: 16, cities: "Paris:Île-de-France,Marseille:Provence-Alpes-Côte d'Azur,Lyon:Auvergne-Rhône-Alpes,Toulouse:Occitanie,Nice:Provence-Alpes-Côte d'Azur,Nantes:Pays de la Loire,Strasbourg:Grand Est,Montpellier:Occitanie,Bordeaux:Nouvelle-Aquitaine,Lille:Hauts-de-France,Rennes:Bretagne,Grenoble:Auvergne-Rhône-Alpes" },
  { code: 'GB', name: 'United Kingdom', continent: 'Europe', weight: 10, cities: 'London:England,Manchester:England,Birmingham:England,Leeds:England,Glasgow:Scotland,Liverpool:England,Bristol:England,Edinburgh:Scotland,Cardiff:Wales,Belfast:Northern Ireland' },
  { code: 'DE', name: 'Germany', continent: 'Europe', weight: 6, cities: 'Berlin:Berlin,Hamburg:Hamburg,Munich:Bavaria,Cologne:North Rhine-Westphalia,Frankfurt:Hesse,Stuttgart:Baden-Württemberg,Düsseldorf:North Rhine-Westphalia,Leipzig:Saxony' },
  { code: 'ES', name: 'Spain', continent: 'Europe', weight: 5, cities: 'Madrid:Community of Madrid,Barcelona:Catalonia,Valencia:Valencian Community,Seville:Andalusia,Zaragoza:Aragon,Málaga:Andalusia,Bilbao:Basque Country' },
  { code: 'IT', name: 'Italy', continent: 'Europe', weight: 4, cities: 'Rome:Lazio,Milan:Lombardy,Naples:Campania,Turin:Piedmont,Palermo:Sicily,Bologna:Emilia-Romagna,Florence:Tuscany' },
  { code: 'BR', name: 'Brazil', continent: 'South America', weight: 6, cities: 'São Paulo:São Paulo,Rio de Janeiro:Rio de Janeiro,Brasília:Federal District,Salvador:Bahia,Fortaleza:Ceará,Belo Horizonte:Minas Gerais,Curitiba:Paraná,Recife:Pernambuco,Porto Alegre:Rio Grande do Sul' },
  { code: 'MX', name: 'Mexico', continent: 'North America', weight: 4, cities: 'Mexico City:Mexico City,Guadalajara:Jalisco,Monterrey:Nuevo León,Puebla:Puebla,Tijuana:Baja California,Cancún:Quintana Roo' },
  { code: 'CA', name: 'Canada', continent: 'North America', weight: 4, cities: 'Toronto:Ontario,Montreal:Quebec,Vancouver:British Columbia,Calgary:Alberta,Ottawa:Ontario,Edmonton:Alberta,Quebec City:Quebec' },
  { code: 'IN', name: 'India', continent: 'Asia', weight: 4, cities: 'Mumbai:Maharashtra,Delhi:Delhi,Bengaluru:Karnataka,Hyderabad:Telangana,Chennai:Tamil Nadu,Kolkata:West Bengal,Pune:Maharashtra' },
  { code: 'JP', name: 'Japan', continent: 'Asia', weight: 3, cities: 'Tokyo:Tokyo,Osaka:Osaka,Yokohama:Kanagawa,Nagoya:Aichi,Sapporo:Hokkaido,Fukuoka:Fukuoka,Kyoto:Kyoto' },
  { code: 'KR', name: 'South Korea', continent: 'Asia', weight: 2, cities: 'Seoul:Seoul,Busan:Busan,Incheon:Incheon,Daegu:Daegu,Daejeon:Daejeon' },
  { code: 'AU', name: 'Australia', continent: 'Oceania', weight: 3, cities: 'Sydney:New South Wales,Melbourne:Victoria,Brisbane:Queensland,Perth:Western Australia,Adelaide:South Australia,Canberra:Australian Capital Territory' },
  { code: 'NL', name: 'Netherlands', continent: 'Europe', weight: 2, cities: 'Amsterdam:North Holland,Rotterdam:South Holland,The Hague:South Holland,Utrecht:Utrecht,Eindhoven:North Brabant' },
  { code: 'BE', name: 'Belgium', continent: 'Europe', weight: 2, cities: 'Brussels:Brussels-Capital,Antwerp:Flanders,Ghent:Flanders,Liège:Wallonia' },
  { code: 'CH', name: 'Switzerland', continent: 'Europe', weight: 1, cities: 'Zurich:Zurich,Geneva:Geneva,Basel:Basel-Stadt,Lausanne:Vaud,Bern:Bern' },
  { code: 'SE', name: 'Sweden', continent: 'Europe', weight: 1, cities: 'Stockholm:Stockholm,Gothenburg:Västra Götaland,Malmö:Skåne,Uppsala:Uppsala' },
  { code: 'PL', name: 'Poland', continent: 'Europe', weight: 2, cities: 'Warsaw:Masovia,Kraków:Lesser Poland,Wrocław:Lower Silesia,Gdańsk:Pomerania,Poznań:Greater Poland,Łódź:Łódź' },
  { code: 'PT', name: 'Portugal', continent: 'Europe', weight: 1, cities: 'Lisbon:Lisbon,Porto:Porto,Braga:Braga,Coimbra:Coimbra' },
  { code: 'AR', name: 'Argentina', continent: 'South America', weight: 2, cities: 'Buenos Aires:Buenos Aires,Córdoba:Córdoba,Rosario:Santa Fe,Mendoza:Mendoza' },
  { code: 'ID', name: 'Indonesia', continent: 'Asia', weight: 2, cities: 'Jakarta:Jakarta,Surabaya:East Java,Bandung:West Java,Medan:North Sumatra' },
  { code: 'PH', name: 'Philippines', continent: 'Asia', weight: 1, cities: 'Manila:Metro Manila,Quezon City:Metro Manila,Cebu City:Central Visayas,Davao City:Davao' },
  { code: 'NG', name: 'Nigeria', continent: 'Africa', weight: 1, cities: 'Lagos:Lagos,Abuja:FCT,Kano:Kano,Ibadan:Oyo' },
  { code: 'ZA', name: 'South Africa', continent: 'Africa', weight: 1, cities: 'Johannesburg:Gauteng,Cape Town:Western Cape,Durban:KwaZulu-Natal,Pretoria:Gauteng' },
  { code: 'TR', name: 'Turkey', continent: 'Europe', weight: 1, cities: 'Istanbul:Istanbul,Ankara:Ankara,Izmir:Izmir,Bursa:Bursa' },
];

export const AGE_GROUPS: [string, number][] = [
  ['13-17', 15],
  ['18-24', 40],
  ['25-34', 28],
  ['35-44', 11],
  ['45+', 6],
];

export const USER_SEGMENTS = ['new', 'casual', 'core', 'power'];
export const CUSTOMER_SEGMENTS = ['new', 'regular', 'vip', 'at_risk'];

export const USERNAME_ADJECTIVES = ['sunny', 'quiet', 'brave', 'lucky', 'cosmic', 'happy', 'wild', 'salty', 'golden', 'lazy', 'swift', 'misty', 'neon', 'retro', 'urban', 'little'];
export const USERNAME_NOUNS = ['otter', 'fox', 'panda', 'falcon', 'tiger', 'koala', 'wave', 'pixel', 'comet', 'maple', 'river', 'ember', 'lynx', 'raven', 'bison', 'cactus'];

export const CONTENT_TYPES: [string, number][] = [
  ['photo', 70],
  ['video', 22],
  ['text', 8],
];
export const CONTENT_CATEGORIES = ['friends', 'food', 'travel', 'pets', 'sports', 'music', 'fashion', 'study', 'work', 'nature', 'nightlife', 'gaming'];

export const IOS_MODELS = ['iPhone 15 Pro', 'iPhone 15', 'iPhone 14 Pro', 'iPhone 14', 'iPhone 13', 'iPhone 12', 'iPhone SE', 'iPhone 11'];
export const IOS_VERSIONS = ['17.5', '17.4', '17.3', '17.2', '16.7', '16.6', '15.8'];
export const ANDROID_MODELS = ['Galaxy S24', 'Galaxy S23', 'Galaxy A54', 'Galaxy A34', 'Pixel 8', 'Pixel 7a', 'Redmi Note 13', 'OnePlus 12', 'Moto G84', 'Xperia 10 V'];
export const ANDROID_VERSIONS = ['14', '13', '12', '11', '10'];
export const APP_VERSIONS = ['2.10.0', '2.11.2', '2.12.0', '2.13.1', '2.14.0', '2.15.3'];

/** Share of each hour in the app's daily sessions: an evening peak, a quiet night. */
export const APP_HOUR_WEIGHTS = [3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 6, 5, 5, 6, 7, 8, 9, 10, 10, 8, 5];
/** Share of each hour in e-commerce purchases: daytime, office hours. */
export const SHOP_HOUR_WEIGHTS = [1, 1, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 7, 7, 5, 3];

/** Brazilian marketplace geography, as in the Olist data of seed 002 (city, state, weight). */
export const BR_CITIES: [string, string, number][] = [
  ['sao paulo', 'SP', 16], ['rio de janeiro', 'RJ', 7], ['belo horizonte', 'MG', 3], ['brasilia', 'DF', 2],
  ['curitiba', 'PR', 2], ['campinas', 'SP', 2], ['porto alegre', 'RS', 2], ['salvador', 'BA', 1],
  ['guarulhos', 'SP', 1], ['sao bernardo do campo', 'SP', 1], ['niteroi', 'RJ', 1], ['santo andre', 'SP', 1],
  ['osasco', 'SP', 1], ['santos', 'SP', 1], ['goiania', 'GO', 1], ['fortaleza', 'CE', 1], ['recife', 'PE', 1],
  ['florianopolis', 'SC', 1], ['joinville', 'SC', 1], ['londrina', 'PR', 1], ['juiz de fora', 'MG', 1],
  ['vitoria', 'ES', 1], ['belem', 'PA', 1], ['manaus', 'AM', 1], ['ribeirao preto', 'SP', 1],
];

/** Product categories with a typical price (BRL) and a typical weight (grams). */
export const PRODUCT_CATEGORIES: [string, number, number, number][] = [
  // name, share, base price, base weight g
  ['bed_bath_table', 11, 90, 2000], ['health_beauty', 10, 110, 900], ['sports_leisure', 9, 100, 1500],
  ['furniture_decor', 8, 120, 3500], ['computers_accessories', 8, 150, 1000], ['housewares', 7, 80, 1800],
  ['watches_gifts', 6, 190, 400], ['telephony', 5, 70, 300], ['garden_tools', 4, 110, 2500], ['auto', 4, 130, 1700],
  ['toys', 4, 95, 1200], ['cool_stuff', 4, 160, 1600], ['perfumery', 3, 120, 500], ['baby', 3, 120, 2200],
  ['electronics', 3, 90, 600], ['stationery', 2, 60, 700], ['fashion_bags_accessories', 2, 80, 500],
  ['pet_shop', 2, 100, 2000], ['office_furniture', 1, 200, 9000], ['consoles_games', 1, 180, 800],
];
