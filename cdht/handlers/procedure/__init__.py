"""The circular's procedure after the answers: the dossier sent up, its check, the council's appraisal."""
