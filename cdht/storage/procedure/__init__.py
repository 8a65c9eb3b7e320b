"""The repositories of the circular's procedure (dossiers, councils, opinions)."""
