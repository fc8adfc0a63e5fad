// The demo's two shops, as data: who they are, the agreements they accept, what they ask
// for in their own offer, and how they answer a consumer's intent on the market. Two shops
// with different answers make the side-by-side comparison of offers real.
export type ShopKey = 'stride' | 'pace';

export type ValueGiven = { kind: 'discount' | 'money' | 'gift'; description: string; amount?: number; unit?: string; currency?: string };

export type Shop = {
  key: ShopKey;
  name: string;
  tagline: string;
  /** The accent colour of its pages (the two sites must not look alike). */
  colour: string;
  contact: string;
  /** Roster ids (GET /v1/terms) the shop accepts; it sees only market intents under these. */
  accepts: string[];
  ask: { heading: string; blurb: string; attributes: string[]; optional: string[]; purpose_description: string; value: ValueGiven; code: string };
  /** Its answer to an intent on the market: what it offers and what it needs to fulfil it. */
  market: { categories: string[]; offer: ValueGiven; attributes: string[]; purpose_description: string; code: string };
};

export const SHOPS: Record<ShopKey, Shop> = {
  stride: {
    key: 'stride',
    name: 'Stride & Co',
    tagline: 'Shoes and clothes that fit.',
    colour: '#2f5d50',
    contact: 'privacy@stride.example',
    accepts: ['sd-base'],
    ask: {
      heading: 'Share your sizes for 10% off',
      blurb: 'We ask Trove for your shoe and clothing size (and, if you like, your interests and email) to suggest what fits, for 90 days.',
      attributes: ['shoe_size', 'clothing_size'],
      optional: ['interests', 'email'],
      purpose_description: 'Suggest shoes and clothes in your size',
      value: { kind: 'discount', description: '10% off your next order', amount: 10, unit: 'percent' },
      code: 'STRIDE10',
    },
    market: {
      categories: ['shoes', 'running', 'clothing', 'sport'],
      offer: { kind: 'discount', description: '15% off the pair you are looking for', amount: 15, unit: 'percent' },
      attributes: ['email', 'shoe_size'],
      purpose_description: 'Send you the offer for the pair in your size',
      code: 'STRIDE15',
    },
  },
  pace: {
    key: 'pace',
    name: 'Pace Running',
    tagline: 'Running gear, fitted in store and online.',
    colour: '#7a3b8f',
    contact: 'privacy@pace.example',
    accepts: ['sd-base', 'sd-portability'],
    ask: {
      heading: 'Get €5 off your first order',
      blurb: 'We ask Trove for your shoe size and email to send you fitting suggestions, for 30 days.',
      attributes: ['shoe_size', 'email'],
      optional: [],
      purpose_description: 'Send you fitting suggestions in your size',
      value: { kind: 'money', description: '€5 off your first order', amount: 5, currency: 'EUR' },
      code: 'PACE5',
    },
    market: {
      categories: ['shoes', 'running', 'sport'],
      offer: { kind: 'money', description: '€20 cashback on your pair', amount: 20, currency: 'EUR' },
      attributes: ['email', 'shoe_size'],
      purpose_description: 'Send you the cashback offer for your size',
      code: 'PACE20',
    },
  },
};

export const shopOf = (key: string | undefined): Shop => {
  const shop = SHOPS[(key ?? 'stride') as ShopKey];
  if (!shop) throw new Error(`no demo shop "${key}" (choose ${Object.keys(SHOPS).join(' or ')})`);
  return shop;
};

/** The value a shop records in Trove once it has given it (the value ledger's unit field carries a currency). */
export const ledgerEntry = (v: ValueGiven, reference: string) => ({
  kind: v.kind,
  description: v.description,
  ...(v.amount !== undefined ? { amount: v.amount, unit: v.currency ?? v.unit ?? 'units' } : {}),
  reference,
});
