"""Transparansi: the public site with each unit's and service's SKM results, RTL and complaint
figures (`site`, `figures`, `svg`), served by `kinerja-bot web` (`command`)."""
