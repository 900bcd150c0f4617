"""Digital signatures of issued PDFs (PAdES baseline B-B, with pyHanko): keys, signing, verifying.

An adapter, like service/render: the domain core knows nothing of it."""
