"""The web: the visitor's Gradio app and API, rendering, sessions, strings, the kiosk and the staff console."""
