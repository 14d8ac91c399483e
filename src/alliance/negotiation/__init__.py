"""Negotiation: scenarios, models of multilateral bargaining, and forecasts with their reasons."""
