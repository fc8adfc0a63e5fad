-- Persona labels and value-ledger text are sealed like attribute values (under the
-- consumer's data key), so erasure shreds them and a database copy shows none of them.
-- A row whose nonce is NULL still holds plaintext from before this migration; start-up
-- seals those (features/profile/seal-legacy.ts). value_events.reference is then NULL:
-- the reference travels sealed with the description.
ALTER TABLE personas RENAME COLUMN label TO label_sealed;
ALTER TABLE personas ADD COLUMN label_nonce TEXT;
ALTER TABLE value_events RENAME COLUMN description TO text_sealed;
ALTER TABLE value_events ADD COLUMN text_nonce TEXT;
