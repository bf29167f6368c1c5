"""Everything Flask: the app factory (app), the request's connection (db), and the three
surfaces, each a package: api (JSON, flask-smorest), web (public pages, big screen), console
(organizers). serve runs the app under gunicorn. The surfaces never import each other.
"""
