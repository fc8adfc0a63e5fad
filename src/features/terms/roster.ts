// The roster of standard agreements a consumer proffers as "my terms" (after IEEE 7012-2025,
// "MyTerms": the individual is the first party and picks terms from a roster kept by a
// neutral body; services say which they accept). The standard's own roster and its exact
// identifiers could not be obtained here, so Trove ships this one as data, in plain words,
// and the operator may replace it (TROVE_TERMS_FILE, a JSON array of the same shape).
import { z } from 'zod';

export const term = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'term ids are lowercase letters, digits, "." and "-"'),
  title: z.string().trim().min(1).max(100),
  /** At most a page, in plain language. */
  summary: z.string().trim().min(1).max(3000),
  source: z.url({ protocol: /^https?$/ }),
});
export type Term = z.infer<typeof term>;
export const rosterSchema = z
  .array(term)
  .min(1)
  .max(50)
  .refine((r) => new Set(r.map((t) => t.id)).size === r.length, 'term ids must be unique');

const SOURCE = 'https://standards.ieee.org/ieee/7012/7192/';

export const DEFAULT_ROSTER: readonly Term[] = [
  {
    id: 'sd-base',
    title: 'Service delivery only',
    summary:
      'You may use what I share only to deliver the service or product I asked for, for as long as that takes. ' +
      'You may not sell it, share it with others (except processors who help you deliver, bound by these terms), ' +
      'use it for advertising or profiling, or combine it with data about me from elsewhere. Delete it when the service is delivered ' +
      'or the retention I agreed to ends.',
    source: SOURCE,
  },
  {
    id: 'sd-portability',
    title: 'Service delivery, and I can take my data with me',
    summary:
      'Service delivery only, as above; and on my request you give me what you hold about me, and what you learned from it, ' +
      'in a common machine-readable form, free of charge, within a month.',
    source: SOURCE,
  },
  {
    id: 'sd-no-ai',
    title: 'Service delivery, no AI training',
    summary:
      'Service delivery only, as above; and you may not use what I share, or anything derived from it, to train or tune ' +
      'machine-learning or AI models, yours or anyone else’s.',
    source: SOURCE,
  },
  {
    id: 'intent-only',
    title: 'Intent data only',
    summary:
      'You may use what I publish as an intent (what I am looking for, within what budget and time) only to decide whether ' +
      'to make me an offer, and to make it. You learn nothing else about me; you keep nothing after the intent ends, unless I ' +
      'accept your offer.',
    source: SOURCE,
  },
  {
    id: 'sd-loyalty',
    title: 'Service delivery and your own offers to me',
    summary:
      'Service delivery, as above; and you may also use it to make me offers of your own, no more than once a week, ' +
      'until I say stop. Never for anyone else’s offers, never sold or shared.',
    source: SOURCE,
  },
];

export function termById(roster: readonly Term[], id: string): Term | undefined {
  return roster.find((t) => t.id === id);
}
