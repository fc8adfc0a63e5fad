-- Master-key rotation walks and counts the data keys still wrapped under an older
-- key-encryption key; start-up asks whether any key is still wrapped under a KEK that no
-- configured master key opens. Both look consumers up by KEK version.
CREATE INDEX consumers_kek_version ON consumers (kek_version);
