"""A2P 10DLC campaigns (messaging v1 Services/{Sid}/Compliance/Usa2p), their review on the
sandbox clock, and the carriers' rule: US SMS from a 10DLC number whose messaging service has
no verified campaign fails with 30034."""
