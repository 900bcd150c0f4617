"""The archive handover: the BagIt bundle and the DA/T 70 four-property check."""
