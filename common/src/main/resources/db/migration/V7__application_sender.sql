-- Digest schema, version 7: an application's own sender. Each column is optional; what is
-- missing falls back to the worker's configured sender. The checks repeat the api's rules so
-- that no value can put a line break (a second header) into an email.
ALTER TABLE digest_applications
    ADD COLUMN sender_name     text CHECK (char_length(sender_name) BETWEEN 1 AND 200 AND sender_name !~ '[\r\n\t\x01-\x1f\x7f]'),
    ADD COLUMN sender_address  text CHECK (char_length(sender_address) BETWEEN 3 AND 320 AND sender_address !~ '[\s<>,;"]'),
    ADD COLUMN reply_to        text CHECK (char_length(reply_to) BETWEEN 3 AND 320 AND reply_to !~ '[\s<>,;"]');
