// The catalogue of well-known attributes: name, label, type, an example and the rule
// a value must pass. Custom attributes are "x-" names holding bounded text or JSON.
import { z } from 'zod';

export type AttributeType = 'text' | 'email' | 'phone' | 'date' | 'country' | 'language' | 'enum' | 'list' | 'address' | 'object' | 'json';

export type CatalogEntry = {
  name: string;
  label: string;
  type: AttributeType;
  example: unknown;
  description: string;
  options?: readonly string[];
  schema: z.ZodType;
};

const text = (max = 200) => z.string().trim().min(1).max(max);
const list = (max = 20, itemMax = 80) => z.array(text(itemMax)).min(1).max(max);
const oneOf = <T extends readonly [string, ...string[]]>(options: T) => z.enum(options);
const country = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as NL');
const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as en or pt-BR');
const date = z.iso.date();
const sizeSystem = oneOf(['EU', 'UK', 'US', 'JP', 'INT'] as const);

const address = z.strictObject({
  street: text(200),
  locality: text(100),
  postal_code: text(20),
  region: text(100).optional(),
  country,
});

function entry(
  name: string,
  label: string,
  type: AttributeType,
  example: unknown,
  description: string,
  schema: z.ZodType,
  options?: readonly string[],
): CatalogEntry {
  return { name, label, type, example, description, schema, ...(options ? { options } : {}) };
}

const channels = ['email', 'sms', 'phone', 'post', 'app'] as const;
const seats = ['window', 'aisle', 'middle', 'no preference'] as const;
const diets = ['vegetarian', 'vegan', 'pescatarian', 'halal', 'kosher', 'gluten-free', 'lactose-free', 'nut allergy', 'none'] as const;

export const CATALOG: readonly CatalogEntry[] = [
  entry('given_name', 'First name', 'text', 'Ada', 'Your first name', text(100)),
  entry('family_name', 'Last name', 'text', 'Lovelace', 'Your family name', text(100)),
  entry('name', 'Full name', 'text', 'Ada Lovelace', 'Your name as you like to be addressed', text(200)),
  entry('email', 'Email address', 'email', 'ada@example.com', 'Where brands may write to you', z.email().max(254)),
  entry(
    'phone',
    'Phone number',
    'phone',
    '+31 20 123 4567',
    'International format, starting with +',
    z.string().regex(/^\+[1-9][0-9 ()-]{6,20}$/, 'expected an international number such as +31 20 123 4567'),
  ),
  entry('birthdate', 'Date of birth', 'date', '1990-12-10', 'YYYY-MM-DD', date),
  entry('gender', 'Gender', 'text', 'female', 'In your own words', text(50)),
  entry(
    'postal_address',
    'Postal address',
    'address',
    { street: 'Kestrel Lane 42', locality: 'Amsterdam', postal_code: '1011 AB', country: 'NL' },
    'Where parcels go',
    address,
  ),
  entry('country', 'Country', 'country', 'NL', 'Country you live in (ISO code)', country),
  entry('language', 'Preferred language', 'language', 'en', 'Language for messages (BCP 47)', language),
  entry('clothing_size', 'Clothing size', 'enum', 'M', 'Usual size for tops', oneOf(['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL'] as const), [
    'XXS',
    'XS',
    'S',
    'M',
    'L',
    'XL',
    'XXL',
    '3XL',
  ]),
  entry(
    'trouser_size',
    'Trouser size',
    'object',
    { waist: 32, length: 32, system: 'US' },
    'Waist and leg length',
    z.strictObject({ waist: z.number().min(20).max(70), length: z.number().min(20).max(50).optional(), system: sizeSystem }),
  ),
  entry(
    'shoe_size',
    'Shoe size',
    'object',
    { size: 42, system: 'EU' },
    'Size and sizing system',
    z.strictObject({ size: z.number().min(1).max(60), system: sizeSystem }),
  ),
  entry('dietary_needs', 'Dietary needs', 'list', ['vegetarian'], 'What you can and cannot eat', z.array(oneOf(diets)).min(1).max(diets.length), diets),
  entry('interests', 'Interests', 'list', ['hiking', 'jazz'], 'Things you enjoy', list(30)),
  entry('preferred_brands', 'Preferred brands', 'list', ['Patagonia'], 'Brands you like', list(30)),
  entry('travel_seat', 'Seat preference', 'enum', 'aisle', 'On planes and trains', oneOf(seats), seats),
  entry('travel_meal', 'Meal preference when travelling', 'text', 'vegetarian', 'Special meal code or wish', text(80)),
  entry('hotel_preferences', 'Hotel preferences', 'list', ['quiet room', 'high floor'], 'What makes a stay good', list(15)),
  entry('loyalty_memberships', 'Loyalty memberships', 'list', ['Flying Blue Gold'], 'Programmes and tiers', list(20, 120)),
  entry('contact_channel', 'Preferred contact channel', 'enum', 'email', 'How brands should reach you', oneOf(channels), channels),
  entry('contact_time', 'Preferred contact time', 'text', 'weekday evenings', 'When you like to be contacted', text(80)),
  entry(
    'household_size',
    'Household size',
    'object',
    { adults: 2, children: 1 },
    'People living with you',
    z.strictObject({ adults: z.int().min(1).max(20), children: z.int().min(0).max(20) }),
  ),
  entry(
    'children_birth_years',
    'Children\u2019s birth years',
    'list',
    ['2018', '2021'],
    'Years, not dates',
    z
      .array(z.string().regex(/^(19|20)\d\d$/))
      .min(1)
      .max(12),
  ),
  entry('pets', 'Pets', 'list', ['dog'], 'Animals at home', list(10)),
  entry('occupation', 'Occupation', 'text', 'engineer', 'What you do', text(100)),
  entry('employer', 'Employer', 'text', 'Analytical Engines Ltd', 'Where you work', text(150)),
  entry(
    'income_band',
    'Income band',
    'enum',
    '50-75k',
    'Yearly gross household income, EUR',
    oneOf(['<25k', '25-50k', '50-75k', '75-100k', '100-150k', '>150k'] as const),
  ),
  entry('car', 'Car', 'text', 'electric hatchback', 'What you drive', text(100)),
  entry('accessibility_needs', 'Accessibility needs', 'list', ['step-free access'], 'What helps you', list(10, 120)),
  entry('marketing_consent_note', 'Note to brands', 'text', 'No calls please', 'A short note every brand sees with your data', text(280)),
];

export const CATALOG_BY_NAME: ReadonlyMap<string, CatalogEntry> = new Map(CATALOG.map((e) => [e.name, e]));

export const CUSTOM_PREFIX = 'x-';
export const CUSTOM_NAME = /^x-[a-z0-9][a-z0-9_-]{0,62}$/;
export const CUSTOM_TEXT_MAX = 1000;
export const CUSTOM_JSON_MAX = 4096;

/** The catalogue as the consumer API publishes it (without the validating schemas). */
export function catalogView() {
  return {
    attributes: CATALOG.map(({ schema: _s, ...e }) => e),
    custom: { prefix: CUSTOM_PREFIX, types: ['text', 'json'], text_max: CUSTOM_TEXT_MAX, json_max_bytes: CUSTOM_JSON_MAX },
  };
}
