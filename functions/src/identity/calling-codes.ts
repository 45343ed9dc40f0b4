/**
 * Country of a phone number from its ITU calling code. libphonenumber-js is not a dependency of this
 * package, and a geo-IP database is not available offline, so this is a small explicit table covering
 * the countries platforms commonly restrict plus large markets. Calling codes are prefix-free except
 * +7 (Russia; +76/+77 are Kazakhstan), handled by longest-prefix match. Countries sharing +1 (NANP:
 * US, CA and the Caribbean) cannot be told apart by calling code and are deliberately absent.
 */
const CALLING_CODE_TO_COUNTRY: Readonly<Record<string, string>> = {
  "850": "KP",
  "98": "IR",
  "963": "SY",
  "53": "CU",
  "7": "RU",
  "76": "KZ",
  "77": "KZ",
  "375": "BY",
  "380": "UA",
  "95": "MM",
  "249": "SD",
  "211": "SS",
  "58": "VE",
  "967": "YE",
  "218": "LY",
  "252": "SO",
  "93": "AF",
  "964": "IQ",
  "961": "LB",
  "505": "NI",
  "236": "CF",
  "243": "CD",
  "223": "ML",
  "226": "BF",
  "91": "IN",
  "86": "CN",
  "852": "HK",
  "853": "MO",
  "886": "TW",
  "44": "GB",
  "49": "DE",
  "33": "FR",
  "39": "IT",
  "34": "ES",
  "31": "NL",
  "48": "PL",
  "90": "TR",
  "20": "EG",
  "234": "NG",
  "27": "ZA",
  "92": "PK",
  "880": "BD",
  "62": "ID",
  "63": "PH",
  "84": "VN",
  "66": "TH",
  "60": "MY",
  "65": "SG",
  "966": "SA",
  "971": "AE",
  "974": "QA",
  "965": "KW",
  "55": "BR",
  "52": "MX",
  "54": "AR",
  "57": "CO",
  "81": "JP",
  "82": "KR",
  "61": "AU",
  "64": "NZ",
};

/** Countries this table can recognise (a blocked country outside it cannot be enforced by phone). */
export const COUNTRIES_WITH_CALLING_CODE = new Set(Object.values(CALLING_CODE_TO_COUNTRY));

/** ISO 3166-1 alpha-2 country of an E.164 number ("+850..."), or undefined when unknown or shared. */
export function countryOfPhoneNumber(e164: string | null | undefined): string | undefined {
  if (!e164) return undefined;
  const digits = e164.replace(/[\s()-]/g, "");
  if (!/^\+\d{4,15}$/.test(digits)) return undefined;
  // Calling codes are 1-3 digits: try the longest first so +77 (KZ) wins over +7 (RU).
  for (let length = 3; length >= 1; length--) {
    const country = CALLING_CODE_TO_COUNTRY[digits.slice(1, 1 + length)];
    if (country) return country;
  }
  return undefined;
}
